package cli_test

import (
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallDB returns a Bolt file holding ../../testdata/small.nq (drawn in
// internal/query/saved_test.go).
func smallDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "small.bolt")
	if code, _, errs := run(t, "", "load", "-q", "--db", db, "../../testdata/small.nq"); code != 0 {
		t.Fatalf("load: exit %d: %s", code, errs)
	}
	return db
}

// The four output formats of one query. The table shows names, prefixed
// vocabulary and bare statuses; the others keep IRIs.
func TestQuery_Formats(t *testing.T) {
	db := smallDB(t)
	tests := []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"table", func(t *testing.T, out string) {
			want := "" +
				"RELATION  LEVEL  UNIT                                               PARENT                                     SOURCE\n" +
				"parent    1      Fraud Detection and National Security Directorate  U.S. Citizenship and Immigration Services  Federal Register agencies\n" +
				"parent    2      U.S. Citizenship and Immigration Services          Department of Homeland Security            Federal Register agencies\n"
			if out != want {
				t.Errorf("table:\n%s\nwant:\n%s", out, want)
			}
		}},
		{"json", func(t *testing.T, out string) {
			var doc struct {
				Columns []string
				Rows    []map[string]any
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if strings.Join(doc.Columns, ",") != "relation,level,unit,parent,source" || len(doc.Rows) != 2 ||
				doc.Rows[1]["unit"] != "<USCIS>" || doc.Rows[1]["parent"] != "<DHS>" || doc.Rows[1]["level"] != 2.0 {
				t.Errorf("json:\n%s", out)
			}
			// Keys in column order, IRIs unescaped.
			if !strings.Contains(out, `"relation": "parent",
      "level": 1,
      "unit": "<FDNS>",`) {
				t.Errorf("json keys not in column order:\n%s", out)
			}
		}},
		{"ndjson", func(t *testing.T, out string) {
			want := `{"relation":"parent","level":1,"unit":"<FDNS>","parent":"<USCIS>","source":"<src/registry>"}
{"relation":"parent","level":2,"unit":"<USCIS>","parent":"<DHS>","source":"<src/registry>"}
`
			if out != want {
				t.Errorf("ndjson:\n%s\nwant\n%s", out, want)
			}
		}},
		{"csv", func(t *testing.T, out string) {
			recs, err := csv.NewReader(strings.NewReader(out)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if len(recs) != 3 || strings.Join(recs[0], ",") != "relation,level,unit,parent,source" ||
				strings.Join(recs[2], ",") != "parent,2,<USCIS>,<DHS>,<src/registry>" {
				t.Errorf("csv: %q", recs)
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			code, out, errs := run(t, "", "query", "--db", db, "hierarchy", "FDNS", "-o", tc.format)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			tc.check(t, out)
		})
	}
}

// Not a terminal and no -o: JSON, every value whole.
func TestQuery_DefaultIsJSONWhenPiped(t *testing.T) {
	code, out, _ := run(t, "", "query", "--db", smallDB(t), "leaders", "uscis")
	var doc struct{ Rows []map[string]any }
	if code != 0 || json.Unmarshal([]byte(out), &doc) != nil || len(doc.Rows) != 1 ||
		doc.Rows[0]["person"] != "<person/kika-scott>" || doc.Rows[0]["acting"] != true {
		t.Errorf("exit %d, out %s", code, out)
	}
}

// Ways of passing parameters, and the errors a user can make; each error
// is one line on stderr, nothing on stdout.
func TestQuery_Params(t *testing.T) {
	db := smallDB(t)
	tests := []struct {
		name    string
		args    []string
		rows    int    // with code 0
		wantErr string // stderr prefix, with exit 1
	}{
		{"default agency", []string{"assists"}, 7, ""},
		{"positional, any case", []string{"assists", "uscis"}, 0, ""},
		{"--param", []string{"assists", "--param", "agency=Homeland Security"}, 1, ""},
		{"--NAME flag", []string{"leaders", "--entity", "USCIS"}, 1, ""},
		{"positional then integer flag", []string{"path", "FDNS", "DEA", "--max-hops", "1"}, 0, ""},
		{"integer by --param", []string{"path", "FDNS", "DEA", "--param", "max-hops=2"}, 3, ""},
		{"optional second entity", []string{"evidence", "ICE", "Pentagon"}, 1, ""},
		{"too many", []string{"path", "ICE", "DEA", "3"}, 0,
			"agencygraph: path takes at most 2 arguments, got 3 (usage: path FROM TO [--max-hops N])\n"},
		{"twice", []string{"leaders", "ICE", "--entity", "DEA"}, 0, "agencygraph: leaders: entity given twice\n"},
		{"missing", []string{"leaders"}, 0, "agencygraph: leaders: missing ENTITY (usage: leaders ENTITY)\n"},
		{"not a param of it", []string{"leaders", "ICE", "--param", "hops=2"}, 0, `agencygraph: leaders has no parameter "hops"`},
		{"bad --param", []string{"leaders", "--param", "ICE"}, 0, `agencygraph: --param "ICE": want NAME=VALUE` + "\n"},
		{"unknown entity", []string{"leaders", "USCSI"}, 0,
			`agencygraph: leaders: entity: unknown entity "USCSI"; closest: U.S. Citizenship and Immigration Services (USCIS)`},
		{"bad integer", []string{"neighbors", "ICE", "--hops", "two"}, 0, `agencygraph: neighbors: hops: "two" is not a whole number`},
		{"unknown query", []string{"assist"}, 0, `agencygraph: unknown saved query "assist"; the saved queries are assists, `},
		{"no query", nil, 0, "agencygraph: no query named; the saved queries are assists, "},
		{"bad format", []string{"sources", "-o", "xml"}, 0, `agencygraph: unknown output format "xml" (want table, json, ndjson or csv)` + "\n"},
		{"negative limit", []string{"sources", "--limit", "-1"}, 0, "agencygraph: --timeout and --limit cannot be negative\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"query", "--db", db, "-o", "ndjson"}, tc.args...)
			code, out, errs := run(t, "", args...)
			if tc.wantErr != "" {
				if code != 1 || out != "" || !strings.HasPrefix(errs, tc.wantErr) || strings.Count(errs, "\n") != 1 {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and stderr starting %q", code, out, errs, tc.wantErr)
				}
				return
			}
			if code != 0 || strings.Count(out, "\n") != tc.rows {
				t.Errorf("exit %d (%s), %d rows, want %d:\n%s", code, errs, strings.Count(out, "\n"), tc.rows, out)
			}
		})
	}
}

// Hostile values reach no script: the lookup fails and says so.
func TestQuery_InjectionIsInert(t *testing.T) {
	db := smallDB(t)
	for _, v := range []string{`"); g.V().all(); ("`, `'); while(true){} //`, "ICE\"); g.Emit(\"x"} {
		code, out, errs := run(t, "", "query", "--db", db, "--timeout", "5s", "evidence", v)
		if code != 1 || out != "" || !strings.HasPrefix(errs, "agencygraph: evidence: entity: unknown entity ") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", v, code, out, errs)
		}
	}
}

func TestQuery_List(t *testing.T) {
	code, out, _ := run(t, "", "query", "--list", "-o", "json")
	var list []struct {
		Name, Usage string
		Params      []struct{ Name, Kind, Default string }
	}
	if code != 0 || json.Unmarshal([]byte(out), &list) != nil {
		t.Fatalf("exit %d: %s", code, out)
	}
	byName := map[string]string{}
	for _, q := range list {
		byName[q.Name] = q.Usage
		if q.Name == "assists" && (len(q.Params) != 1 || q.Params[0].Default != "ICE") {
			t.Errorf("assists params = %+v", q.Params)
		}
	}
	for name, usage := range map[string]string{"path": "path FROM TO [--max-hops N]", "neighbors": "neighbors ENTITY [--hops N]",
		"assists": "assists [AGENCY]", "conflicts": "conflicts", "evidence": "evidence ENTITY [OTHER]"} {
		if byName[name] != usage {
			t.Errorf("%s usage = %q, want %q", name, byName[name], usage)
		}
	}
	code, out, _ = run(t, "", "query", "--list", "-o", "table")
	if code != 0 || !strings.HasPrefix(out, "NAME ") || !strings.Contains(out, "\npath             path FROM TO [--max-hops N]  Shortest") {
		t.Errorf("table list:\n%s", out)
	}
}

func TestQuery_Limit(t *testing.T) {
	db := smallDB(t)
	code, out, errs := run(t, "", "query", "--db", db, "timeline", "--limit", "3", "-o", "csv")
	if code != 0 || strings.Count(out, "\n") != 4 || errs != "note: stopped at --limit 3 rows; there may be more\n" {
		t.Errorf("exit %d, %d lines, stderr %q", code, strings.Count(out, "\n"), errs)
	}
	_, out, _ = run(t, "", "query", "--db", db, "timeline", "--limit", "3", "-o", "json")
	if !strings.Contains(out, `"truncated": true`) {
		t.Errorf("json lacks truncated:\n%s", out)
	}
}

// A saved query that outruns --timeout fails with one line saying how to
// give it longer, and writes no rows.
func TestQuery_TimeoutSaysHowToLiftIt(t *testing.T) {
	code, out, errs := run(t, "", "query", "--db", smallDB(t), "--timeout", "1ns", "timeline")
	if code != 1 || out != "" || errs != "agencygraph: query timed out after 1ns (--timeout raises the limit, 0 for none)\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

// The README's main job, on the embedded default dataset: no --db.
func TestQuery_BundledDefault(t *testing.T) {
	if testing.Short() {
		t.Skip("loads the bundled dataset")
	}
	code, out, errs := run(t, "", "query", "sources", "-o", "ndjson")
	if code != 0 || !strings.Contains(out, `"source":"<src/federalregister>"`) {
		t.Errorf("exit %d, stderr %q, out %s", code, errs, out)
	}
}

// --queries reads a user's own folder; its parameters are set with --param.
func TestQuery_OwnFolder(t *testing.T) {
	dir := t.TempDir()
	src := "// name: count-in\n// description: how many edges of a predicate end at an entity\n" +
		"// param: entity entity\n// param: pred string default=assists\n// columns: n\n" +
		"g.Emit({n: g.V(entity).In('<' + pred + '>').Count()});\n"
	if err := os.WriteFile(filepath.Join(dir, "count-in.js"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	db := smallDB(t)
	// DEA (twice) and DSS assist ICE; USCIS and FDNS detail staff to it.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"count-in", "ICE"}, `{"n":3}`},
		{[]string{"count-in", "ICE", "--param", "pred=detailsStaffTo"}, `{"n":2}`},
		{[]string{"count-in", "ICE", "--param", "pred=x>') || g.V().All() || ('"}, `{"n":0}`},
	} {
		code, out, errs := run(t, "", append([]string{"query", "--db", db, "--queries", dir, "-o", "ndjson"}, tc.args...)...)
		if code != 0 || out != tc.want+"\n" {
			t.Errorf("%v: exit %d (%s), %q, want %s", tc.args, code, errs, out, tc.want)
		}
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(dir, "none"), "agencygraph: load saved queries: stat " + filepath.Join(dir, "none") + ": no such file or directory\n"},
		{t.TempDir(), "agencygraph: load saved queries: no *.js files in "},
	} {
		code, _, errs := run(t, "", "query", "--queries", tc.dir, "--list")
		if code != 1 || !strings.HasPrefix(errs, tc.want) {
			t.Errorf("%s: exit %d, %q, want %q", tc.dir, code, errs, tc.want)
		}
	}
}

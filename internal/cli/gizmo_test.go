package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestGizmo(t *testing.T) {
	db := smallDB(t)
	script := filepath.Join(t.TempDir(), "q.js")
	if err := os.WriteFile(script, []byte("// who details staff to ICE\ng.V('<ICE>').In('<detailsStaffTo>').All()\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.js")
	if err := os.WriteFile(bad, []byte("var x;\n\n  x.y.z = 1;\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		stdin   string
		args    []string
		want    string // stdout, with exit 0
		wantErr string // stderr, with exit 1
	}{
		// Two sources state DEA assists ICE: one path per quad, as in Cayley.
		{"expression, Cayley's JSON", "", []string{"g.V('<DEA>').Out('<assists>').All()", "-o", "json"},
			"{\n  \"result\": [\n    {\n      \"id\": \"<ICE>\"\n    },\n    {\n      \"id\": \"<ICE>\"\n    }\n  ]\n}\n", ""},
		{"table shows names", "", []string{"g.V('<ICE>').In('<detailsStaffTo>').All()", "-o", "table"},
			"ID\nU.S. Citizenship and Immigration Services\nFraud Detection and National Security Directorate\n", ""},
		{"--file", "", []string{"--file", script, "-o", "csv"}, "id\n<USCIS>\n<FDNS>\n", ""},
		{"stdin", "g.Emit({n: g.V('<ICE>').In('<assists>').Count(), s: 'x'})", []string{"-f", "-", "-o", "ndjson"},
			`{"n":3,"s":"x"}` + "\n", ""},
		{"values and maps share a table; final value dropped", "", []string{"g.Emit(1); g.Emit({id: '<DEA>'}); 5", "-o", "csv"},
			"id,value\n,1\n<DEA>,\n", ""},
		{"control characters kept off the terminal", "", []string{"g.Emit({q: 'a\\u001b[31mb\\tc'})", "-o", "table"},
			"Q\na\uFFFD[31mb c\n", ""},
		{"--limit", "", []string{"g.V().All()", "--limit", "2", "-o", "ndjson"}, "", ""},
		{"error in a file names file:line:col", "", []string{"--file", bad},
			"", "agencygraph: " + bad + ":3:3: gizmo: TypeError: Cannot read property 'y' of undefined\n"},
		{"error in an expression names the line", "", []string{"g.V(\n.All()"},
			"", "agencygraph: gizmo: SyntaxError: Unexpected token . (line 2:1)\n"},
		{"both", "", []string{"g.V()", "--file", script}, "", "agencygraph: give the query as an argument or with --file, not both\n"},
		{"neither", "", nil, "", "agencygraph: no query: give one as an argument or with --file\n"},
		{"missing file", "", []string{"--file", "no-such.js"}, "", "agencygraph: open no-such.js: no such file or directory\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := run(t, tc.stdin, append([]string{"gizmo", "--db", db}, tc.args...)...)
			switch {
			case tc.wantErr != "":
				if code != 1 || out != "" || errs != tc.wantErr {
					t.Errorf("exit %d, stdout %q, stderr %q; want exit 1, stderr %q", code, out, errs, tc.wantErr)
				}
			case tc.name == "--limit":
				if code != 0 || strings.Count(out, "\n") != 2 || !strings.HasPrefix(errs, "note: stopped at --limit 2 rows") {
					t.Errorf("exit %d, stdout %q, stderr %q", code, out, errs)
				}
			case code != 0 || out != tc.want:
				t.Errorf("exit %d (%s), stdout:\n%q\nwant:\n%q", code, errs, out, tc.want)
			}
		})
	}
}

// A runaway script ends at --timeout with one clear line.
func TestGizmo_Timeout(t *testing.T) {
	db := smallDB(t)
	for _, src := range []string{"while(true){}", "g.V().ForEach(function () { for (;;) {} })"} {
		start := time.Now()
		code, out, errs := run(t, "", "gizmo", "--db", db, "--timeout", "300ms", src)
		if took := time.Since(start); code != 1 || out != "" || errs != "agencygraph: query timed out after 300ms (--timeout raises the limit, 0 for none)\n" || took > 5*time.Second {
			t.Errorf("%s: exit %d after %v, stdout %q, stderr %q", src, code, took, out, errs)
		}
	}
}

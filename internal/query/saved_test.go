package query_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/agencygraph/agencygraph/internal/query"
)

// small is ../../testdata/small.nq. Its relationship edges, each backed by
// one assertion (src/registry is a dataset, src/001 and src/002 articles):
//
//	            DHS ──deputizes(002)──▶ DSS ──subOf──▶ DOS
//	           ▲   ▲                     │
//	      subOf│   │subOf           assists(002)
//	           │   │                     ▼
//	FDNS ─subOf─▶ USCIS ──detailsStaffTo(001)──▶ ICE ◀──subOf── ERO
//	  └──────detailsStaffTo(002)───────────────▶ ▲ ▲ ▲ ╲
//	DEA ──assists(001, 002)──────────────────────┘ │ │  usesFacility(001)
//	 │subOf                BOP ─providesFacility──┘ │   ▼
//	 ▼                      │subOf   (001)          │  guantanamo ◀─operates(001)─ DOD
//	DOJ ◀───────────────────┘     DOD ─providesFacility(001)┘      ACLU ─criticizes(002)─▶ ICE
//
// plus Kika Scott headOf USCIS (acting, 001), ICE fieldOfficeCount 25 (001)
// vs 20 (002) linked by conflictsWith, and ICE employeeCount 20000 (001) vs
// 20800 (002), not linked.
func TestSaved_Small(t *testing.T) {
	s := openStore(t, "../../testdata/small.nq")
	saved := mustSaved(t)
	r := &query.Runner{Store: s}
	type row = map[string]any
	tests := []struct {
		golden string
		query  string
		args   map[string]string
		rows   int   // counted by hand from the drawing
		has    []row // rows that must be present (on these columns)
	}{
		// Default agency ICE: BOP, DOD (facilities), DEA twice (two
		// sources), DSS (assists), FDNS and USCIS (staff). ACLU criticizes: no.
		{"assists-ice", "assists", nil, 7, []row{
			{"helper": "<DEA>", "help": "<assists>", "source": "<src/001>"},
			{"helper": "<DEA>", "help": "<assists>", "source": "<src/002>", "status": "<status/attributed>"},
			{"helper": "<USCIS>", "help": "<detailsStaffTo>"},
			{"helper": "<BOP>", "help": "<providesFacilityTo>"},
		}},
		{"assists-uscis", "assists", map[string]string{"agency": "USCIS"}, 0, nil},
		// Deputizing runs the other way: DHS deputizes DSS, so DSS helps DHS.
		{"assists-dhs", "assists", map[string]string{"agency": "Homeland Security"}, 1, []row{
			{"helper": "<DSS>", "help": "<deputizes>", "source": "<src/002>"},
		}},
		// One linked pair (field offices) and one unlinked one (employees).
		{"conflicts", "conflicts", nil, 2, []row{
			{"kind": "linked", "subject": "<ICE>", "predicate": "<fieldOfficeCount>", "value": 25, "other-value": 20},
			{"kind": "differing", "predicate": "<employeeCount>", "value": 20000, "other-value": 20800},
		}},
		{"deputizations", "deputizations", nil, 1, []row{
			{"by": "<DHS>", "deputized": "<DSS>", "figure": "up to 600", "date": "2025-02"},
		}},
		// iri, type, name, 2 aliases, parent DHS, sub-unit FDNS, assertions:
		// details, headOf, subOf DHS, FDNS subOf = 4.
		{"entity-uscis", "entity", map[string]string{"entity": "uscis"}, 8, []row{
			{"field": "iri", "value": "USCIS"},
			{"field": "parent", "value": "<DHS>"},
			{"field": "sub-unit", "value": "<FDNS>"},
			{"field": "assertions", "value": 4},
		}},
		{"evidence-dea", "evidence", map[string]string{"entity": "DEA"}, 3, []row{
			{"subject": "<DEA>", "predicate": "<http://www.w3.org/ns/org#subOrganizationOf>", "object": "<DOJ>", "source": "<src/registry>"},
		}},
		// Only the one edge between ICE and DOD; operates/usesFacility go through Guantanamo.
		{"evidence-ice-dod", "evidence", map[string]string{"entity": "ICE", "other": "Pentagon"}, 1, []row{
			{"subject": "<DOD>", "predicate": "<providesFacilityTo>", "object": "<ICE>"},
		}},
		{"facilities-ice", "facilities", nil, 3, []row{
			{"facility": "<facility/guantanamo>", "provider": "<DOD>", "relation": "<usesFacility>"},
			{"facility": nil, "provider": "<BOP>", "relation": "<providesFacilityTo>"},
		}},
		{"hierarchy-fdns", "hierarchy", map[string]string{"entity": "FDNS"}, 2, []row{
			{"relation": "parent", "level": 1, "unit": "<FDNS>", "parent": "<USCIS>"},
			{"relation": "parent", "level": 2, "unit": "<USCIS>", "parent": "<DHS>", "source": "<src/registry>"},
		}},
		{"hierarchy-ice", "hierarchy", map[string]string{"entity": "Immigration and Customs Enforcement"}, 2, []row{
			{"relation": "parent", "level": 1, "unit": "<ICE>", "parent": "<DHS>"},
			{"relation": "sub-unit", "level": -1, "unit": "<ERO>", "parent": "<ICE>"},
		}},
		{"leaders-uscis", "leaders", map[string]string{"entity": "USCIS"}, 1, []row{
			{"person": "<person/kika-scott>", "title": "acting head of USCIS", "acting": true, "former": false},
		}},
		{"leaders-ice", "leaders", map[string]string{"entity": "ICE"}, 0, nil},
		{"neighbors-dea", "neighbors", map[string]string{"entity": "DEA"}, 2, nil},
		// Hop 2 adds BOP subOf DOJ and ICE's nine other edges.
		{"neighbors-dea-2", "neighbors", map[string]string{"entity": "DEA", "hops": "2"}, 12, []row{
			{"hops": 2, "subject": "<BOP>", "object": "<DOJ>"},
			{"hops": 2, "subject": "<org/aclu>", "predicate": "<criticizes>"},
		}},
		// FDNS → ICE ← DEA: hop 2 has two rows, one per source.
		{"path-fdns-dea", "path", map[string]string{"from": "FDNS", "to": "DEA"}, 3, []row{
			{"path": 1, "hop": 1, "subject": "<FDNS>", "predicate": "<detailsStaffTo>", "object": "<ICE>"},
			{"path": 1, "hop": 2, "subject": "<DEA>", "source": "<src/002>"},
		}},
		{"path-fdns-dea-1", "path", map[string]string{"from": "FDNS", "to": "DEA", "max-hops": "1"}, 0, nil},
		// DOS ← DSS → ICE ← BOP is the one 3-hop path (DOS–DSS–DHS leads nowhere near BOP).
		{"path-dos-bop", "path", map[string]string{"from": "DOS", "to": "BOP"}, 3, []row{
			{"path": 1, "hop": 3, "subject": "<BOP>", "object": "<ICE>"},
		}},
		{"personnel-flows-ice", "personnel-flows", nil, 2, []row{
			{"from": "<USCIS>", "how": "<detailsStaffTo>", "days": 60, "start": "2025-03-10", "when": "March 10"},
			{"from": "<FDNS>", "start": "2025-02"},
		}},
		{"sources", "sources", nil, 3, []row{
			{"source": "<src/001>", "assertions": 9},
			{"source": "<src/002>", "assertions": 7, "published": "2025-03-05 (estimated)"},
			{"source": "<src/registry>", "type": "<Dataset>", "assertions": 7},
		}},
		// Articles only: 9 + 7 assertions.
		{"timeline", "timeline", nil, 16, []row{
			{"date": "2025-03-10", "dated-by": "start", "subject": "<USCIS>"},
			{"date": "2025-02-28", "dated-by": "published", "subject": "<DEA>"},
		}},
		{"timeline-dss", "timeline", map[string]string{"entity": "DSS"}, 3, []row{
			{"date": "2023-04-16", "dated-by": "published", "object": "<DOS>"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.golden, func(t *testing.T) {
			q := saved[tc.query]
			if q == nil {
				t.Fatalf("no saved query %q", tc.query)
			}
			res, err := r.Run(context.Background(), q, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Rows) != tc.rows {
				t.Errorf("%d rows, want %d", len(res.Rows), tc.rows)
			}
			for _, want := range tc.has {
				if !hasRow(res.Rows, want) {
					t.Errorf("no row matches %v", want)
				}
			}
			golden(t, "small/"+tc.golden, res)
		})
	}
}

// hasRow reports whether some row has want's values on want's columns.
// Numbers compare by their printed form (Gizmo gives int64 or float64).
func hasRow(rows []map[string]any, want map[string]any) bool {
next:
	for _, r := range rows {
		for k, v := range want {
			got, ok := r[k]
			if !ok || fmt.Sprint(got) != fmt.Sprint(v) {
				continue next
			}
		}
		return true
	}
	return false
}

// Every saved query loads with a description, and every column a query
// emits is declared in its header, in the order the header gives.
func TestLoadSaved_Headers(t *testing.T) {
	saved := mustSaved(t)
	for _, name := range []string{"assists", "personnel-flows", "hierarchy", "leaders", "path", "evidence",
		"facilities", "timeline", "conflicts", "sources", "neighbors"} {
		q := saved[name]
		if q == nil {
			t.Errorf("saved query %q is missing (the issue names it)", name)
			continue
		}
		if q.Description == "" || len(q.Columns) == 0 {
			t.Errorf("%s: description %q, columns %v", name, q.Description, q.Columns)
		}
	}
	// The contract's parameter words.
	params := map[string]string{
		"assists": "agency", "personnel-flows": "agency", "facilities": "agency",
		"hierarchy": "entity", "leaders": "entity", "neighbors": "entity hops",
		"path": "from to max-hops", "evidence": "entity other", "timeline": "entity",
		"conflicts": "", "sources": "",
	}
	for name, want := range params {
		var got string
		for i, p := range saved[name].Params {
			if i > 0 {
				got += " "
			}
			got += p.Name
		}
		if got != want {
			t.Errorf("%s params = %q, want %q", name, got, want)
		}
	}
}

// A path query lists the same paths whatever order the store holds its
// quads in: A and B are linked both ways by eight kinds of relationship,
// sixteen one-hop paths that tie on the node they come from and pair-wise on
// the predicate, of which the query lists ten.
func TestSaved_PathIndependentOfStoreOrder(t *testing.T) {
	lines := []string{
		"<A> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Agency> .",
		"<B> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <Agency> .",
	}
	for _, p := range []string{"assists", "deputizes", "detailsStaffTo", "grantsAuthorityTo", "providesFacilityTo", "requests", "criticizes", "sues"} {
		lines = append(lines, "<A> <"+p+"> <B> .", "<B> <"+p+"> <A> .")
	}
	reversed := slices.Clone(lines)
	slices.Reverse(reversed)
	dir := t.TempDir()
	var answers []string
	for i, order := range [][]string{lines, reversed} {
		file := filepath.Join(dir, fmt.Sprintf("g%d.nq", i))
		if err := os.WriteFile(file, []byte(strings.Join(order, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		r := &query.Runner{Store: openStore(t, file)}
		res, err := r.Run(context.Background(), mustSaved(t)["path"], map[string]string{"from": "A", "to": "B"})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 10 {
			t.Fatalf("%d rows, want ten one-hop paths: %v", len(res.Rows), res.Rows)
		}
		b, _ := json.Marshal(res.Rows)
		answers = append(answers, string(b))
	}
	if answers[0] != answers[1] {
		t.Errorf("store order changes the answer:\n%s\n%s", answers[0], answers[1])
	}
}

// conflicts lists a conflictsWith link stated in one direction only when
// its far end is an assertion too: <st/a> (a figure) conflicts with the
// assertion <st/b> (a relationship, which only the link brings in), which
// says nothing back, and with <zz/thing>, which is no assertion.
func TestSaved_ConflictsLinkEnds(t *testing.T) {
	const rdf = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
	lines := []string{
		`<ICE> <` + rdf + `type> <Agency> .`,
		`<zz/thing> <` + rdf + `type> <Agency> .`,
		`<st/a> <conflictsWith> <st/b> .`,
		`<st/a> <conflictsWith> <zz/thing> .`,
	}
	for _, st := range []string{"a", "b"} {
		lines = append(lines,
			`<st/`+st+`> <`+rdf+`type> <Assertion> .`,
			`<st/`+st+`> <`+rdf+`subject> <ICE> .`,
			`<st/`+st+`> <`+rdf+`predicate> <fieldOfficeCount> .`,
			`<st/`+st+`> <http://www.w3.org/ns/prov#wasDerivedFrom> <src/`+st+`> .`,
			`<st/`+st+`> <quote> "Quote `+st+`." .`,
		)
	}
	lines = append(lines, `<st/a> <`+rdf+`object> "25" .`, `<st/b> <`+rdf+`object> <DHS> .`)
	file := filepath.Join(t.TempDir(), "links.nq")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := (&query.Runner{Store: openStore(t, file)}).Run(context.Background(), mustSaved(t)["conflicts"], nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range res.Rows {
		got = append(got, fmt.Sprint(r["kind"], " ", r["value"], " ", r["other-value"]))
	}
	if want := []string{"linked 25 <DHS>"}; !slices.Equal(got, want) {
		t.Errorf("conflicts rows %q, want %q", got, want)
	}
}

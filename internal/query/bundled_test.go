package query_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/internal/query"
	"github.com/agencygraph/agencygraph/quads"
)

// The bundled dataset loads once per test binary (about a second), shared
// by the tests and benchmarks below; nothing writes to it.
var (
	bundledOnce  sync.Once
	bundledStore *graph.Store
	bundledErr   error
)

// bundled returns a Runner on the bundled dataset, skipping the test when
// the articles (graph <src/000> on) are not in it yet.
func bundled(tb testing.TB) *query.Runner {
	tb.Helper()
	bundledOnce.Do(func() {
		ctx := context.Background()
		s, err := graph.Open(ctx, graph.Config{Backend: graph.Memory})
		if err != nil {
			bundledErr = err
			return
		}
		ins, err := graph.FSInputs(quads.FS)
		if err == nil {
			_, err = s.Load(ctx, ins, graph.LoadOptions{})
		}
		bundledStore, bundledErr = s, err
	})
	if bundledErr != nil {
		tb.Fatal(bundledErr)
	}
	if _, err := bundledStore.Entity(context.Background(), "src/000"); err != nil {
		tb.Skip("the bundled dataset has no source <src/000> yet: no articles to test against")
	}
	return &query.Runner{Store: bundledStore}
}

// runBundled runs a saved query on the bundled dataset.
func runBundled(t *testing.T, name string, args map[string]string) *query.Result {
	t.Helper()
	r := bundled(t)
	res, err := r.Run(context.Background(), mustSaved(t)[name], args)
	if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	return res
}

// column returns the set of values rows have in column c.
func column(rows []map[string]any, c string) map[string]bool {
	out := map[string]bool{}
	for _, r := range rows {
		out[fmt.Sprint(r[c])] = true
	}
	return out
}

// The answers below are what the articles in ../shared/seeds say; each
// test names the article that says it.

func TestBundled_Assists(t *testing.T) {
	res := runBundled(t, "assists", map[string]string{"agency": "ICE"})
	helpers := column(res.Rows, "helper")
	// NPR: "tapping … the IRS"; CBS: ATF, DEA, FBI tasked; CBS: USCIS details.
	for _, want := range [][]string{{"<IRS>", "<IRS-CI>"}, {"<DEA>"}, {"<ATF>"}, {"<USCIS>"}, {"<USMS>"}, {"<USCBP>"}} {
		found := false
		for _, w := range want {
			found = found || helpers[w]
		}
		if !found {
			t.Errorf("assists ICE names none of %v; helpers: %v", want, helpers)
		}
	}
	for _, r := range res.Rows {
		if r["source"] == nil || r["quote"] == nil || r["help"] == nil {
			t.Errorf("row without its evidence: %v", r)
		}
	}
	// The default agency is ICE.
	if def := runBundled(t, "assists", nil); len(def.Rows) != len(res.Rows) {
		t.Errorf("assists with no agency: %d rows, assists ICE: %d", len(def.Rows), len(res.Rows))
	}
}

func TestBundled_Leaders(t *testing.T) {
	res := runBundled(t, "leaders", map[string]string{"entity": "USCIS"})
	// CBS: "Kika Scott, the acting head of USCIS".
	if !hasRow(res.Rows, map[string]any{"person": "<person/kika-scott>", "acting": true}) {
		t.Errorf("leaders USCIS lacks Kika Scott as acting head: %v", res.Rows)
	}
}

func TestBundled_PersonnelFlows(t *testing.T) {
	res := runBundled(t, "personnel-flows", map[string]string{"agency": "Immigration and Customs Enforcement"})
	// CBS: USCIS employees "were encouraged to enlist for assignments
	// lasting 60 days … to assist ICE"; NPR: "up to 600 special agents" of DSS.
	if !hasRow(res.Rows, map[string]any{"from": "<USCIS>", "how": "<detailsStaffTo>", "days": 60}) {
		t.Errorf("personnel-flows ICE lacks USCIS details of 60 days: %v", res.Rows)
	}
	if !hasRow(res.Rows, map[string]any{"from": "<DSS>", "headcount": 600}) {
		t.Errorf("personnel-flows ICE lacks up to 600 DSS agents: %v", res.Rows)
	}
}

func TestBundled_Conflicts(t *testing.T) {
	res := runBundled(t, "conflicts", nil)
	// NPR gives ICE 20 field offices, CBS 25.
	found := false
	for _, r := range res.Rows {
		if r["subject"] == "<ICE>" && r["predicate"] == "<fieldOfficeCount>" {
			pair := []string{fmt.Sprint(r["value"]), fmt.Sprint(r["other-value"])}
			sort.Strings(pair)
			found = found || pair[0] == "20" && pair[1] == "25" && r["source"] != r["other-source"]
		}
	}
	if !found {
		t.Errorf("conflicts lacks ICE's 20 vs 25 field offices: %v", res.Rows)
	}
}

func TestBundled_Hierarchy(t *testing.T) {
	res := runBundled(t, "hierarchy", map[string]string{"entity": "HSI"})
	// HSI is part of ICE, ICE part of DHS (CBS; Federal Register; CISA).
	for _, want := range []map[string]any{
		{"relation": "parent", "level": 1, "unit": "<HSI>", "parent": "<ICE>"},
		{"relation": "parent", "level": 2, "unit": "<ICE>", "parent": "<DHS>", "source": "<src/federalregister>"},
	} {
		if !hasRow(res.Rows, want) {
			t.Errorf("hierarchy HSI lacks %v: %v", want, res.Rows)
		}
	}
	ice := runBundled(t, "hierarchy", map[string]string{"entity": "ICE"})
	if !column(ice.Rows, "parent")["<DHS>"] || !column(ice.Rows, "unit")["<ERO>"] {
		t.Errorf("hierarchy ICE: want parent DHS and sub-unit ERO: %v", ice.Rows)
	}
	seen := map[string]bool{}
	for _, r := range ice.Rows {
		key := fmt.Sprint(r["unit"], r["parent"], r["source"])
		if seen[key] {
			t.Errorf("hierarchy ICE lists %s twice", key)
		}
		seen[key] = true
	}
}

// An edge only entities.nq states (no article, no reference list) is still
// the structure: listed, with no source.
func TestBundled_HierarchyWithoutSource(t *testing.T) {
	res := runBundled(t, "hierarchy", map[string]string{"entity": "Senate Judiciary Committee"})
	for _, want := range []map[string]any{
		{"relation": "parent", "level": 1, "unit": "<org/senate-judiciary-committee>", "parent": "<cisa/senate>", "source": nil},
		{"relation": "parent", "level": 2, "unit": "<cisa/senate>", "parent": "<org/congress>", "source": nil},
	} {
		if !hasRow(res.Rows, want) {
			t.Errorf("hierarchy lacks %v: %v", want, res.Rows)
		}
	}
}

func TestBundled_Path(t *testing.T) {
	// Kika Scott heads USCIS (CBS), which details staff to ICE (CBS). Paths
	// are ordered by their edges' subjects, so "ICE coordinatesWith USCIS"
	// comes first.
	res := runBundled(t, "path", map[string]string{"from": "Kika Scott", "to": "ICE"})
	if !hasRow(res.Rows, map[string]any{"path": 1, "hop": 1, "subject": "<person/kika-scott>", "object": "<USCIS>"}) ||
		!hasRow(res.Rows, map[string]any{"path": 1, "hop": 2, "subject": "<ICE>", "predicate": "<coordinatesWith>", "object": "<USCIS>"}) ||
		!hasRow(res.Rows, map[string]any{"hop": 2, "subject": "<USCIS>", "predicate": "<detailsStaffTo>", "object": "<ICE>"}) {
		t.Errorf("path Kika Scott → ICE: %v", res.Rows)
	}
	for _, r := range res.Rows {
		if n := fmt.Sprint(r["hop"]); n != "1" && n != "2" {
			t.Errorf("a shortest path of 2 hops has hop %s", n)
		}
	}
}

func TestBundled_Evidence(t *testing.T) {
	res := runBundled(t, "evidence", map[string]string{"entity": "USCIS", "other": "ICE"})
	quoted := false
	for _, r := range res.Rows {
		if r["subject"] != "<USCIS>" && r["object"] != "<USCIS>" {
			t.Errorf("evidence USCIS ICE row not about USCIS: %v", r)
		}
		q, _ := r["quote"].(string)
		quoted = quoted || strings.Contains(q, "60 days")
	}
	if !quoted {
		t.Errorf("evidence USCIS ICE lacks the 60-day quote: %v", res.Rows)
	}
}

func TestBundled_Facilities(t *testing.T) {
	res := runBundled(t, "facilities", map[string]string{"agency": "ICE"})
	// CBS: Defense and the Bureau of Prisons told to let ICE use facilities,
	// "including the naval base at Guantanamo Bay".
	for _, want := range []map[string]any{
		{"facility": "<facility/guantanamo>", "provider": "<DOD>"},
		{"provider": "<BOP>", "relation": "<providesFacilityTo>"},
	} {
		if !hasRow(res.Rows, want) {
			t.Errorf("facilities ICE lacks %v: %v", want, res.Rows)
		}
	}
}

func TestBundled_Timeline(t *testing.T) {
	res := runBundled(t, "timeline", nil)
	last := ""
	for _, r := range res.Rows {
		d, _ := r["date"].(string)
		if d < last {
			t.Errorf("timeline out of order: %s after %s", d, last)
		}
		last = d
		if r["source"] == "<src/federalregister>" || r["source"] == "<src/cisa>" {
			t.Errorf("timeline without an entity lists a dataset row: %v", r)
		}
	}
	if !hasRow(res.Rows, map[string]any{"subject": "<USCIS>", "predicate": "<detailsStaffTo>", "date": "2025-03-10"}) {
		t.Error("timeline lacks the USCIS details starting March 10, 2025")
	}
}

func TestBundled_Sources(t *testing.T) {
	res := runBundled(t, "sources", nil)
	for _, r := range res.Rows {
		if fmt.Sprint(r["assertions"]) == "0" {
			t.Errorf("source %v supports no assertion", r["source"])
		}
	}
	for _, want := range []map[string]any{
		{"source": "<src/000>", "type": "<Article>"},
		{"source": "<src/federalregister>", "type": "<Dataset>"},
	} {
		if !hasRow(res.Rows, want) {
			t.Errorf("sources lacks %v: %v", want, res.Rows)
		}
	}
	// The publisher is the outlet: its name, or an entity named so.
	for _, r := range res.Rows {
		if r["source"] != "<src/000>" {
			continue
		}
		p, _ := r["publisher"].(string)
		if name := bundledStore.Name(context.Background(), quad.IRI(strings.Trim(p, "<>"))); name != "CBS News" {
			t.Errorf("src/000 publisher %q is named %q, want CBS News", p, name)
		}
	}
}

func TestBundled_Neighbors(t *testing.T) {
	res := runBundled(t, "neighbors", map[string]string{"entity": "ICE"})
	for _, r := range res.Rows {
		if r["hops"] != int64(1) || r["subject"] != "<ICE>" && r["object"] != "<ICE>" {
			t.Errorf("neighbors ICE (1 hop) has an edge not touching ICE: %v", r)
		}
	}
	if !hasRow(res.Rows, map[string]any{"subject": "<USCIS>", "predicate": "<detailsStaffTo>", "object": "<ICE>"}) {
		t.Error("neighbors ICE lacks USCIS detailsStaffTo ICE")
	}
	two := runBundled(t, "neighbors", map[string]string{"entity": "ICE", "hops": "2"})
	if len(two.Rows) <= len(res.Rows) {
		t.Errorf("2 hops: %d edges, 1 hop: %d", len(two.Rows), len(res.Rows))
	}
}

func TestBundled_Entity(t *testing.T) {
	res := runBundled(t, "entity", map[string]string{"entity": "ice"})
	for _, want := range []map[string]any{
		{"field": "iri", "value": "ICE"},
		{"field": "parent", "value": "<DHS>"},
		{"field": "sub-unit", "value": "<HSI>"},
	} {
		if !hasRow(res.Rows, want) {
			t.Errorf("entity ice lacks %v: %v", want, res.Rows)
		}
	}
}

func TestBundled_Deputizations(t *testing.T) {
	res := runBundled(t, "deputizations", nil)
	// NPR: Noem "signed memorandums deputizing up to 600 special agents" of DSS.
	found := false
	for _, r := range res.Rows {
		fig, _ := r["figure"].(string)
		found = found || r["deputized"] == "<DSS>" && strings.Contains(fig, "600")
	}
	if !found {
		t.Errorf("deputizations lacks up to 600 DSS agents: %v", res.Rows)
	}
}

// Every saved query has a test above.
func TestBundled_EveryQueryTested(t *testing.T) {
	tested := []string{"assists", "leaders", "personnel-flows", "conflicts", "hierarchy", "path", "evidence",
		"facilities", "timeline", "sources", "neighbors", "entity", "deputizations"}
	for name := range mustSaved(t) {
		if !strings.Contains(" "+strings.Join(tested, " ")+" ", " "+name+" ") {
			t.Errorf("saved query %q has no bundled-dataset test", name)
		}
	}
}

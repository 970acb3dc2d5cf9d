package query_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
	"github.com/agencygraph/agencygraph/graph/nquads"
	"github.com/agencygraph/agencygraph/internal/generate"
	"github.com/agencygraph/agencygraph/internal/query"
)

// The whole-graph saved queries read properties a few thousand nodes at a
// time (inChunks in the scripts). On a generated graph of 4,279 articles and
// 14,933 sourced statements, past the parts' boundaries, sources lists
// every article once with the number of quads that cite it, and timeline
// every statement an article states, as counted here from the N-Quads.
func TestSaved_WholeGraphAnswersCoverEveryPart(t *testing.T) {
	var text bytes.Buffer
	if err := (generate.Generator{Quads: 200_000, Seed: 1}).Write(&text); err != nil {
		t.Fatal(err)
	}
	articles, cited, stated := countSources(t, text.Bytes())
	if len(articles) <= 4000 || stated <= 2*4000 {
		t.Fatalf("%d articles and %d statements: too few to span parts", len(articles), stated)
	}
	s := loadedStore(t, graph.Config{Backend: graph.Memory}, []graph.Input{graph.ReaderInput("generated", &text)})
	r := &query.Runner{Store: s, Timeout: time.Minute}
	saved := mustSaved(t)
	ctx := context.Background()

	res, err := r.Run(ctx, saved["sources"], nil)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]bool{}
	for _, row := range res.Rows {
		id, _ := row["source"].(string)
		if !articles[id] || listed[id] || row["type"] != "<Article>" || fmt.Sprint(row["assertions"]) != fmt.Sprint(cited[id]) {
			t.Fatalf("sources row %v: want each of the %d articles once, cited %d times", row, len(articles), cited[id])
		}
		listed[id] = true
	}
	if len(listed) != len(articles) {
		t.Errorf("sources listed %d sources, the graph has %d articles", len(listed), len(articles))
	}

	res, err = r.Run(ctx, saved["timeline"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Rows) != stated {
		t.Errorf("timeline: %d rows, the articles state %d statements", len(res.Rows), stated)
	}
}

// countSources reads N-Quads: the articles, how many quads cite each
// source, and how many quads cite an article.
func countSources(t *testing.T, text []byte) (articles map[string]bool, cited map[string]int, stated int) {
	t.Helper()
	articles, cited = map[string]bool{}, map[string]int{}
	const typ, source = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "http://www.w3.org/ns/prov#wasDerivedFrom"
	all, err := quad.ReadAll(nquads.NewReader(bytes.NewReader(text), "generated", nquads.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var sources []quad.Quad
	for _, q := range all {
		switch q.Predicate {
		case quad.IRI(typ):
			if q.Object == quad.IRI("Article") {
				articles[quad.StringOf(q.Subject)] = true
			}
		case quad.IRI(source):
			cited[quad.StringOf(q.Object)]++
			sources = append(sources, q)
		}
	}
	for _, q := range sources {
		if articles[quad.StringOf(q.Object)] {
			stated++
		}
	}
	return articles, cited, stated
}

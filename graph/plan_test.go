package graph_test

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/cayleygraph/cayley/graph/path"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph"
)

// Multi-hop paths give the same answers on a Bolt store, where the planner
// is handed counted sizes and scans of several fixed directions (plan.go),
// as on a memory store, where it is not.
func TestStore_BoltPathsMatchMemory(t *testing.T) {
	ctx := context.Background()
	const data = "../quads"
	b := openBolt(t, filepath.Join(t.TempDir(), "g.bolt"))
	defer b.Close()
	m := openMemory(t)
	for _, s := range []*graph.Store{b, m} {
		if _, err := load(t, s, data); err != nil {
			t.Fatal(err)
		}
	}
	paths := map[string]func(*path.Path) *path.Path{
		"helpers of ICE": func(p *path.Path) *path.Path {
			return p.In(quad.IRI("assists"))
		},
		"assertions about ICE's heads": func(p *path.Path) *path.Path {
			return p.In(graph.Object).Has(graph.Predicate, graph.HeadOf).Out(graph.WasDerivedFrom)
		},
		"two levels of sub-units, named": func(p *path.Path) *path.Path {
			return p.Out(graph.SubOrganizationOf).In(graph.SubOrganizationOf).In(graph.SubOrganizationOf).Out(graph.Name)
		},
		"quotes of assertions whose object is ICE": func(p *path.Path) *path.Path {
			return p.In(graph.Object).Out(graph.Quote)
		},
		"parent as one graph states it": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/cisa")).Out(graph.SubOrganizationOf)
		},
		"every predicate and object of ICE in one graph, predicates tagged": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/federalregister")).OutWithTags([]string{"pred"})
		},
		"sources stating something about ICE in the CBS graph": func(p *path.Path) *path.Path {
			return p.LabelContext(quad.IRI("src/002")).In().Out(graph.Type)
		},
	}
	for name, build := range paths {
		t.Run(name, func(t *testing.T) {
			var answers [2][]string
			for i, s := range []*graph.Store{b, m} {
				qs := s.QuadStore()
				vals, err := build(path.StartPath(qs, quad.IRI("ICE"))).Iterate(ctx).AllValues(qs)
				if err != nil {
					t.Fatal(err)
				}
				for _, v := range vals {
					answers[i] = append(answers[i], quad.StringOf(v))
				}
				slices.Sort(answers[i])
				answers[i] = slices.Compact(answers[i])
			}
			if len(answers[1]) == 0 {
				t.Fatalf("no answers on memory: the path tests nothing")
			}
			if !slices.Equal(answers[0], answers[1]) {
				t.Errorf("bolt: %q\nmemory: %q", answers[0], answers[1])
			}
		})
	}
}

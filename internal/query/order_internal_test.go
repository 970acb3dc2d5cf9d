package query

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
)

func TestSortRows(t *testing.T) {
	tests := []struct {
		name string
		keys []string
		// rows, each with a distinct "id", in the expected order; sorted
		// shuffled unless ties are what they check
		rows []map[string]any
	}{
		{"nulls and missing keys last, equal to each other", []string{"a", "b"}, []map[string]any{
			{"id": 1, "a": "x", "b": nil},
			{"id": 2, "a": nil, "b": "a"},
			{"id": 3, "b": "b"},
			{"id": 4, "a": nil, "b": nil},
		}},
		{"ties keep the order they came in", []string{"a"}, []map[string]any{
			{"id": 1, "a": "same", "b": "z"}, {"id": 2, "a": "same", "b": "a"}, {"id": 3, "a": "same"},
		}},
		{"numbers by value, whole or not", []string{"a"}, []map[string]any{
			{"id": 1, "a": int64(-3)}, {"id": 2, "a": 0.5}, {"id": 3, "a": int64(2)}, {"id": 4, "a": 10.0}, {"id": 5, "a": int64(999999999999999)},
		}},
		{"strings by code point", []string{"a"}, []map[string]any{
			{"id": 1, "a": ""}, {"id": 2, "a": "<ICE>"}, {"id": 3, "a": "<ICE> x"}, {"id": 4, "a": "Z"},
			{"id": 5, "a": "a"}, {"id": 6, "a": "ab"}, {"id": 7, "a": "quote “x”"}, {"id": 8, "a": "Été"}, {"id": 9, "a": "été"},
		}},
		{"false before true", []string{"a", "b"}, []map[string]any{
			{"id": 1, "a": false, "b": "b"}, {"id": 2, "a": true, "b": "a"}, {"id": 3, "a": true, "b": "c"},
		}},
		{"kinds in turn: booleans, numbers, strings, the rest, nulls", []string{"a"}, []map[string]any{
			{"id": 1, "a": true}, {"id": 2, "a": int64(7)}, {"id": 3, "a": "7"}, {"id": 4, "a": []any{"x"}},
			{"id": 5, "a": map[string]any{}}, {"id": 6},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rows := slices.Clone(tc.rows)
			if !strings.Contains(tc.name, "equal") && !strings.HasPrefix(tc.name, "ties") {
				rand.New(rand.NewPCG(1, 2)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			}
			sortRows(rows, tc.keys)
			for i := range rows {
				if rows[i]["id"] != tc.rows[i]["id"] {
					t.Fatalf("order %v, want %v", ids(rows), ids(tc.rows))
				}
			}
		})
	}
}

// TestSortRows_ManyTiesKeepOrder sorts enough rows that the sort is not an
// insertion sort, which keeps ties in order on its own.
func TestSortRows_ManyTiesKeepOrder(t *testing.T) {
	rows := make([]map[string]any, 500)
	for i := range rows {
		rows[i] = map[string]any{"id": i, "a": strconv.Itoa((i * 7) % 3)}
	}
	sortRows(rows, []string{"a"})
	for i := 1; i < len(rows); i++ {
		a, b := rows[i-1], rows[i]
		if a["a"].(string) > b["a"].(string) || a["a"] == b["a"] && a["id"].(int) > b["id"].(int) {
			t.Fatalf("rows %d and %d out of order: %v then %v", i-1, i, a, b)
		}
	}
}

func ids(rows []map[string]any) []any {
	var out []any
	for _, r := range rows {
		out = append(out, r["id"])
	}
	return out
}

// BenchmarkSortRows sorts an answer the size of a cold `evidence ICE` on
// the million-quad store: 2,565 rows, eight keys, many ties on the first.
func BenchmarkSortRows(b *testing.B) {
	keys := []string{"subject", "predicate", "object", "source", "quote", "status", "date", "figure"}
	rnd := rand.New(rand.NewPCG(1, 2))
	rows := make([]map[string]any, 2565)
	for i := range rows {
		rows[i] = map[string]any{
			"subject": "<agency/g" + strconv.Itoa(rnd.IntN(40)) + ">", "predicate": "<assists>", "object": "<ICE>",
			"source": "<src/g" + strconv.Itoa(rnd.IntN(20000)) + ">", "quote": "The agency is assisting the ICE.",
			"status": "<status/stated>", "date": "2025-06-01", "figure": nil,
		}
	}
	for b.Loop() {
		sortRows(slices.Clone(rows), keys)
	}
}

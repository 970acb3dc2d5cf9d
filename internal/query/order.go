package query

import (
	"cmp"
	"slices"
	"strings"
)

// sortRows orders rows by the values of keys in turn, rows equal in every
// key in the order they came: what a saved query's "// order:" header
// asks for. Nulls (a missing key or null) come after every value; strings
// compare by code point (JavaScript compares UTF-16 units: the two differ
// only between a character above U+FFFF and one from U+E000 to U+FFFF),
// numbers by value, false before true. Values of different kinds under one
// key order by kind: booleans, numbers, strings, then the rest (objects
// and arrays, which compare equal).
//
// The saved queries sorted their rows in the script before: building a
// sort key for each row and sorting took a fifth of a cold `evidence ICE`
// on a million quads (70 ms of 340 for 2,565 rows), where Go takes 1.5 ms
// (BenchmarkSortRows). Each row's keys are read out of its map once and
// positions break ties, so that an unstable sort keeps equal rows in
// order: a stable merge sort comparing map entries took twice as long
// (27 ms of a cold `deputizations`, 8,566 rows).
func sortRows(rows []map[string]any, keys []string) {
	n := len(keys)
	vals := make([]any, len(rows)*n)
	order := make([]int, len(rows))
	for i, r := range rows {
		order[i] = i
		for j, k := range keys {
			vals[i*n+j] = r[k]
		}
	}
	slices.SortFunc(order, func(a, b int) int {
		for j := range n {
			if c := compareValues(vals[a*n+j], vals[b*n+j]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b)
	})
	sorted := make([]map[string]any, len(rows))
	for i, o := range order {
		sorted[i] = rows[o]
	}
	copy(rows, sorted)
}

// Kinds of value in the order sortRows puts them.
const (
	kindBool = iota
	kindNumber
	kindString
	kindOther
	kindNull
)

func compareValues(a, b any) int {
	ka, kb := kindOf(a), kindOf(b)
	if ka != kb {
		return cmp.Compare(ka, kb)
	}
	switch ka {
	case kindBool:
		x, y := a.(bool), b.(bool)
		switch {
		case x == y:
			return 0
		case y:
			return -1
		}
		return 1
	case kindNumber:
		return cmp.Compare(number(a), number(b))
	case kindString:
		return strings.Compare(a.(string), b.(string))
	}
	return 0
}

func kindOf(v any) int {
	switch v.(type) {
	case nil:
		return kindNull
	case bool:
		return kindBool
	case int64, float64, int:
		return kindNumber
	case string:
		return kindString
	}
	return kindOther
}

// number is a number value as a float64; a script's numbers are int64
// (whole) or float64, both exact below 2^53.
func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case int:
		return float64(v)
	}
	return v.(float64)
}

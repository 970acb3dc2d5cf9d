package query_test

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dop251/goja"

	"github.com/agencygraph/agencygraph/internal/query"
)

// helper returns the text of function name in src, from "function" to
// its closing brace: the end of its line when the braces on that line
// balance, else the first line that is only "}".
func helper(src, name string) (string, bool) {
	start := strings.Index(src, "\nfunction "+name+"(")
	if start < 0 {
		return "", false
	}
	rest := src[start+1:]
	line, _, _ := strings.Cut(rest, "\n")
	if strings.Count(line, "{") == strings.Count(line, "}") {
		return line, true
	}
	end := strings.Index(rest, "\n}\n")
	if end < 0 {
		return "", false
	}
	return rest[:end+2], true
}

// A Gizmo script has no imports, so each saved query carries its own copy
// of the helpers it needs; every copy of one must be the same code.
func TestSavedQueries_ShareHelpers(t *testing.T) {
	saved := mustSaved(t)
	for _, name := range []string{"text", "first", "propsOf", "props", "byKeys", "sortBy"} {
		t.Run(name, func(t *testing.T) {
			var want, from string
			for qname, q := range saved {
				got, ok := helper(q.Source, name)
				if !ok {
					continue
				}
				if want == "" {
					want, from = got, qname
				} else if got != want {
					t.Errorf("%s's %s differs from %s's:\n%s\nagainst\n%s", qname, name, from, got, want)
				}
			}
			if want == "" {
				t.Fatalf("no saved query has %s", name)
			}
		})
	}
}

// sortBy orders rows as a stable sort with byKeys would: over random rows
// with nulls, numbers, ties, non-ASCII text and the values that make it
// fall back to byKeys (mixed types, fractions, separators).
func TestSortBy_OrdersAsByKeys(t *testing.T) {
	var helpers string // byKeys and sortBy, from a query that has both
	for _, q := range mustSaved(t) {
		s, hasSortBy := helper(q.Source, "sortBy")
		b, hasByKeys := helper(q.Source, "byKeys")
		if hasSortBy && hasByKeys {
			helpers = b + "\n" + s + "\n"
			break
		}
	}
	if helpers == "" {
		t.Fatal("no saved query has sortBy and byKeys")
	}
	vm := goja.New()
	if _, err := vm.RunString(helpers + `
function stable(rows, keys) {
  var cmp = sortsByKeys(keys);
  return rows.map(function (r, i) { return [r, i]; })
    .sort(function (a, b) { return cmp(a[0], b[0]) || a[1] - b[1]; })
    .map(function (p) { return p[0]; });
}
var sortsByKeys = byKeys, fallbacks = 0;
byKeys = function (keys) { fallbacks++; return sortsByKeys(keys); };
function check(text, keys) {
  var rows = JSON.parse(text);
  var got = JSON.stringify(sortBy(rows, keys)), want = JSON.stringify(stable(rows, keys));
  return got === want ? "" : got + "\n want " + want;
}`); err != nil {
		t.Fatal(err)
	}
	check, _ := goja.AssertFunction(vm.Get("check"))
	sorted := func(rows any) {
		t.Helper()
		text, _ := json.Marshal(rows)
		out, err := check(goja.Undefined(), vm.ToValue(string(text)), vm.ToValue([]any{"a", "b", "c"}))
		if err != nil {
			t.Fatal(err)
		}
		if diff := out.String(); diff != "" {
			t.Fatalf("rows %s:\n got %s", text, diff)
		}
	}
	// A separator inside a value would shift the keys after it.
	sorted([]map[string]any{{"a": "a\u0000\u0001a", "b": "x"}, {"a": "a", "b": "b"}})
	sorted([]map[string]any{{"a": "a", "b": "\u0002"}, {"a": "a", "b": nil, "c": "a"}})

	rnd := rand.New(rand.NewPCG(1, 2))
	pick := func(vals ...any) any { return vals[rnd.IntN(len(vals))] }
	for round := range 300 {
		numbers := round%2 == 0 // key c holds numbers, or strings
		rows := []map[string]any{}
		for range rnd.IntN(40) {
			row := map[string]any{}
			for _, k := range []string{"a", "b", "c", "d"} {
				switch pick("value", "value", "null", "none") {
				case "value":
					if k == "c" && numbers {
						row[k] = pick(0, 1, 2, 10, 999999999999999)
					} else {
						row[k] = pick("", "a", "ab", "b", "n", "<ICE>", "<ICE> x", "Été", "été", "quote “x”", "z")
					}
				case "null":
					row[k] = nil
				case "none":
					// A key missing from some rows and null in others makes
					// byKeys inconsistent (each sorts after the other);
					// sortBy takes both as null. Only d, not a key, goes
					// missing here.
					if k != "d" {
						row[k] = nil
					}
				}
			}
			rows = append(rows, row)
		}
		if round%10 == 1 && len(rows) > 0 { // values that make it fall back
			rows[0][pick("a", "c").(string)] = pick(1.5, -1, 1e15, "a\u0000b", "\u0001", "x\u0002", true, 3, "s")
		}
		before := vm.Get("fallbacks").ToInteger()
		sorted(rows)
		if round%10 != 1 && vm.Get("fallbacks").ToInteger() > before {
			t.Fatalf("rows of strings, numbers and nulls (round %d) were sorted with byKeys, not by their string keys", round)
		}
	}
}

// The saved queries' rows are sorted by query.SortRows, as their own
// sortBy sorted them before (path.js keeps it for its paths): over random
// rows of strings, whole numbers, booleans and nulls, the two give the
// same order.
func TestSortRows_AsScriptSortBy(t *testing.T) {
	q := mustSaved(t)["path"]
	s, hasSortBy := helper(q.Source, "sortBy")
	b, hasByKeys := helper(q.Source, "byKeys")
	if !hasSortBy || !hasByKeys {
		t.Fatal("path.js has no sortBy and byKeys")
	}
	vm := goja.New()
	if _, err := vm.RunString(b + "\n" + s + `
function check(text, keys) {
  return JSON.stringify(sortBy(JSON.parse(text), keys).map(function (r) { return r.id; }));
}`); err != nil {
		t.Fatal(err)
	}
	check, _ := goja.AssertFunction(vm.Get("check"))
	keys := []string{"a", "b", "c"}
	rnd := rand.New(rand.NewPCG(3, 4))
	pick := func(vals ...any) any { return vals[rnd.IntN(len(vals))] }
	for round := range 300 {
		rows := []map[string]any{}
		for i := range rnd.IntN(40) {
			row := map[string]any{"id": i}
			for _, k := range keys {
				switch {
				case k == "a" && round%3 == 0:
					row[k] = pick(true, false, nil)
				case k == "c" && round%2 == 0:
					row[k] = pick(0, 1, 2, 10, 999999999999999, nil)
				default:
					row[k] = pick("", "a", "ab", "b", "<ICE>", "<ICE> x", "Été", "été", "quote “x”", "z", nil)
				}
			}
			rows = append(rows, row)
		}
		text, _ := json.Marshal(rows)
		want, err := check(goja.Undefined(), vm.ToValue(string(text)), vm.ToValue(keys))
		if err != nil {
			t.Fatal(err)
		}
		var got []map[string]any // as a script's rows reach Go, numbers as float64
		json.Unmarshal(text, &got)
		query.SortRows(got, keys)
		order := []any{}
		for _, r := range got {
			order = append(order, r["id"])
		}
		if text, _ := json.Marshal(order); string(text) != want.String() {
			t.Fatalf("round %d: SortRows gives ids %s, sortBy %s", round, text, want)
		}
	}
}

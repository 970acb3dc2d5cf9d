package gizmo

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"
)

// pipelined hands emit what iterate gives, in order, whether or not the
// answer is large enough to be handed over in batches, and returns how
// iterate ended. A panic in emit, which runs on a goroutine of its own
// past the first batch, comes back as the error rather than crashing the
// process, and iterate still runs to its end without blocking.
func TestPipelined(t *testing.T) {
	errBroken := errors.New("broken index")
	for _, tc := range []struct {
		name    string
		rows    int   // iterate gives 0, 1, 2, … rows-1
		err     error // and then returns err
		panicAt int   // emit panics on this row; -1: never
		want    string
	}{
		{"nothing", 0, nil, -1, ""},
		{"one row", 1, nil, -1, ""},
		{"all handed over inline", pipeRows, nil, -1, ""},
		{"one past", pipeRows + 1, nil, -1, ""},
		{"many batches and a part", 10*pipeRows + 7, nil, -1, ""},
		{"rows then an error", 3*pipeRows + 3, errBroken, -1, "broken index"},
		{"a panic naming a handed-over row", 10 * pipeRows, nil, 2 * pipeRows, "query failed naming its results: bad ref"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			given := 0
			err := pipelined(func(f func(int)) error {
				for i := range tc.rows {
					f(i)
					given++
				}
				return tc.err
			}, func(r int) {
				if r == tc.panicAt {
					panic("bad ref")
				}
				got = append(got, r)
			})
			if msg := fmt.Sprint(err); tc.want == "" && err != nil || tc.want != "" && !strings.Contains(msg, tc.want) {
				t.Fatalf("error %v, want %q", err, tc.want)
			}
			if given != tc.rows {
				t.Errorf("iterate gave %d rows, want all %d", given, tc.rows)
			}
			if tc.panicAt >= 0 {
				return // the rows after the panic are not handed on
			}
			if len(got) != tc.rows {
				t.Fatalf("emit got %d rows, want %d", len(got), tc.rows)
			}
			for i, r := range got {
				if r != i {
					t.Fatalf("row %d is %d: out of order", i, r)
				}
			}
		})
	}
}

// A panic in iterate reaches the caller as before pipelined, and the
// naming goroutine it had started ends instead of waiting for batches that
// will not come (a server recovers a handler's panic and goes on).
func TestPipelined_IteratorPanicEndsTheNamingGoroutine(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("the iterator's panic did not reach the caller")
			}
		}()
		pipelined(func(f func(int)) error {
			for i := range 3 * pipeRows {
				f(i)
			}
			panic("broken iterator")
		}, func(int) {})
	}()
	for deadline := time.Now().Add(5 * time.Second); runtime.NumGoroutine() > before; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before: the naming goroutine was left waiting", runtime.NumGoroutine(), before)
		}
	}
}

// PropertyMap reads its nodes' links a part at a time; a node given again
// in a later part still appears once, with its properties, and every node
// of every part is there.
func TestPropertyMap_AcrossParts(t *testing.T) {
	n := 2*linkChunk + 10
	var qs []quad.Quad
	for i := range n {
		st := quad.IRI(fmt.Sprintf("st/%d", i))
		qs = append(qs, quad.Make(st, quad.IRI("n"), quad.String(fmt.Sprint(i)), nil))
	}
	// The first node again after the others: in the last part.
	src := `var sts = []; for (var i = 0; i < ` + fmt.Sprint(n) + `; i++) sts.push("<st/" + i + ">");
sts.push("<st/0>");
var m = g.V.apply(g, sts).PropertyMap({first: true});
var bad = Object.keys(m).filter(function (k) { return m[k]["<n>"] !== k.slice(4, -1); });
g.Emit(Object.keys(m).length + " " + bad.length);`
	got, err := run(context.Background(), memstore.New(qs...), src)
	if err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%d 0", n); len(got) != 1 || got[0] != want {
		t.Fatalf("got %v (nodes, nodes with a wrong value), want %q", got, want)
	}
}

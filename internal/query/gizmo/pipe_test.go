package gizmo

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cayleygraph/cayley/graph/memstore"
	"github.com/cayleygraph/quad"
)

// pipelined hands emit what iterate gives, in order, whatever the batch
// boundaries, and reports how iterate ended: its error, its panic, or the
// end of the caller's context, which stops an iterator that would go on.
func TestPipelined(t *testing.T) {
	errBroken := errors.New("broken index")
	for _, tc := range []struct {
		name    string
		iterate func(context.Context, func(int)) error
		rows    int    // rows emit must get, 0, 1, 2, … in order
		err     string // "" for none
	}{
		{"nothing", func(context.Context, func(int)) error { return nil }, 0, ""},
		{"one row", count(1, nil), 1, ""},
		{"a batch exactly", count(pipeRows, nil), pipeRows, ""},
		{"many batches and a part", count(10*pipeRows+7, nil), 10*pipeRows + 7, ""},
		{"rows then an error", count(pipeRows+3, errBroken), pipeRows + 3, "broken index"},
		{"a panic", func(_ context.Context, f func(int)) error {
			f(0)
			var m map[string]int
			m["x"] = 1 // a nil map: the kind of bug an iterator might hide
			return nil
		}, -1, "query iterator failed: assignment to entry in nil map"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			err := pipelined(context.Background(), tc.iterate, func(r int) { got = append(got, r) })
			if msg := fmt.Sprint(err); tc.err == "" && err != nil || tc.err != "" && !strings.Contains(msg, tc.err) {
				t.Fatalf("error %v, want %q", err, tc.err)
			}
			if tc.rows < 0 {
				return // a panic's rows may or may not have been handed over
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

// count is an iterator of n rows, 0 to n-1, that then returns err.
func count(n int, err error) func(context.Context, func(int)) error {
	return func(_ context.Context, f func(int)) error {
		for i := range n {
			f(i)
		}
		return err
	}
}

// When the caller's context ends (a deadline, the server's memory guard),
// the iterating goroutine sees it and pipelined returns, rather than
// waiting for an iterator that never ends to fill a channel nobody reads.
func TestPipelined_StopsWithTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	endless := func(ctx context.Context, f func(int)) error {
		for i := 0; ctx.Err() == nil; i++ {
			f(i)
		}
		return ctx.Err()
	}
	done := make(chan error, 1)
	emitted := 0
	go func() {
		done <- pipelined(ctx, endless, func(int) {
			if emitted++; emitted == 3*pipeRows {
				cancel()
			}
		})
	}()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("pipelined still running 10 s after its context ended")
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

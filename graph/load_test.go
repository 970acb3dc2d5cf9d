package graph_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/agencygraph/agencygraph/graph"
)

// goodQuads is the number of statements in ../testdata/load/good.nq.
const goodQuads = 15

func openBolt(t *testing.T, path string) *graph.Store {
	t.Helper()
	s, err := graph.Open(context.Background(), graph.Config{Backend: graph.Bolt, Address: path})
	if err != nil {
		t.Fatalf("open bolt: %v", err)
	}
	return s
}

func openMemory(t testing.TB) *graph.Store {
	t.Helper()
	s, err := graph.Open(context.Background(), graph.Config{Backend: graph.Memory})
	if err != nil {
		t.Fatalf("open memory: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func load(t *testing.T, s *graph.Store, paths ...string) (graph.LoadResult, error) {
	t.Helper()
	ins, err := graph.Inputs(paths, strings.NewReader(""))
	if err != nil {
		t.Fatalf("inputs: %v", err)
	}
	return s.Load(context.Background(), ins, graph.LoadOptions{})
}

func quadCount(t *testing.T, s *graph.Store) int64 {
	t.Helper()
	st, err := s.Stats(context.Background())
	if err != nil {
		t.Fatalf("stats: %v", err)
	}
	return st.Quads
}

func TestStore_LoadGood(t *testing.T) {
	for _, file := range []string{"../testdata/load/good.nq", "../testdata/load/good.nq.gz", "../testdata/load"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s := openMemory(t)
			res, err := load(t, s, file)
			if err != nil {
				t.Fatal(err)
			}
			// The directory holds good.nq and good.nq.gz: the second copy is all duplicates.
			wantRead := int64(goodQuads)
			if file == "../testdata/load" {
				wantRead = 2 * goodQuads
			}
			if res.Read != wantRead || res.Added != goodQuads || res.Duplicates != wantRead-goodQuads {
				t.Errorf("load = %+v, want read %d, added %d", res, wantRead, goodQuads)
			}
			st, err := s.Stats(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			want := graph.Stats{Backend: graph.Memory, Quads: goodQuads, Nodes: st.Nodes, Predicates: 9, Labels: 1}
			if st != want || st.Nodes < 10 {
				t.Errorf("stats = %+v, want %+v", st, want)
			}
		})
	}
}

func TestStore_LoadStdin(t *testing.T) {
	data, err := os.ReadFile("../testdata/load/good.nq")
	if err != nil {
		t.Fatal(err)
	}
	s := openMemory(t)
	ins, err := graph.Inputs([]string{"-"}, strings.NewReader(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Load(context.Background(), ins, graph.LoadOptions{})
	if err != nil || res.Added != goodQuads {
		t.Fatalf("load stdin = %+v, %v; want %d added", res, err, goodQuads)
	}
}

// Each malformed line is the third line of its input, after two good ones.
var malformed = []struct {
	name, line string
	col        int
}{
	{"bad IRI", `<a b> <p> <o> .`, 3},
	{"literal as graph name", `<s> <p> <o> "g" .`, 13},
	{"unterminated string", `<s> <p> "abc .`, 15},
	{"bad escape", `<s> <p> "a\qb" .`, 11},
	{"missing dot", `<s> <p> <o>`, 12},
	{"bad language tag", `<s> <p> "x"@1en .`, 13},
	{"bare number object", `<s> <p> 42 .`, 9},
}

func TestStore_LoadMalformed(t *testing.T) {
	for _, tc := range malformed {
		t.Run(tc.name, func(t *testing.T) {
			s := openMemory(t)
			src := "<a> <b> <c> .\n<a> <b> <d> .\n" + tc.line + "\n"
			_, err := s.Load(context.Background(), []graph.Input{graph.ReaderInput("bad.nq", strings.NewReader(src))}, graph.LoadOptions{})
			if graph.Code(err) != graph.EINVALID {
				t.Fatalf("err = %v (code %q), want an EINVALID syntax error", err, graph.Code(err))
			}
			if want := fmt.Sprintf("bad.nq:3:%d: ", tc.col); !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want prefix %q", err, want)
			}
			if n := quadCount(t, s); n != 0 {
				t.Errorf("store holds %d quads after a failed load, want 0", n)
			}
		})
	}
}

func TestStore_StrictRejectsRelativeIRIs(t *testing.T) {
	s := openMemory(t)
	in := graph.ReaderInput("rel.nq", strings.NewReader("<http://x/a> <http://x/b> <c> .\n"))
	_, err := s.Load(context.Background(), []graph.Input{in}, graph.LoadOptions{Strict: true})
	if graph.Code(err) != graph.EINVALID || !strings.HasPrefix(err.Error(), "rel.nq:1:") {
		t.Fatalf("strict load of a relative IRI: err = %v, want rel.nq:1: syntax error", err)
	}
}

// A failed load on Bolt leaves the file as it was, even when the bad line
// comes after many good ones in a second input.
func TestStore_BoltLoadIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.bolt")
	s := openBolt(t, path)
	defer s.Close()
	if _, err := load(t, s, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	ins := failingInputs(90_000, "<n> <p> \"unterminated <g> .\n")
	before := quadCount(t, s)
	_, err := s.Load(context.Background(), ins, graph.LoadOptions{})
	if err == nil || !strings.HasPrefix(err.Error(), "big.nq:90001:") {
		t.Fatalf("err = %v, want a syntax error at big.nq:90001", err)
	}
	if after := quadCount(t, s); after != before {
		t.Errorf("quads before failed load %d, after %d", before, after)
	}
}

// failingInputs is a good one-line input, then one of n good lines followed
// by the bad line: a load that must fail at big.nq line n+1 and leave the
// store as it was.
func failingInputs(n int, bad string) []graph.Input {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "<n%d> <p> \"v%d\" <g> .\n", i, i)
	}
	b.WriteString(bad)
	return []graph.Input{
		graph.ReaderInput("more.nq", strings.NewReader("<x> <y> <z> .\n")),
		graph.ReaderInput("big.nq", strings.NewReader(b.String())),
	}
}

// TestMain lets the test binary act as a second process: with
// AGENCYGRAPH_HELPER set it opens the store named there, loads or counts,
// and exits.
func TestMain(m *testing.M) {
	if path := os.Getenv("AGENCYGRAPH_HELPER_STORE"); path != "" {
		os.Exit(helperProcess(path, os.Getenv("AGENCYGRAPH_HELPER_LOAD")))
	}
	os.Exit(m.Run())
}

func helperProcess(path, file string) int {
	ctx := context.Background()
	s, err := graph.Open(ctx, graph.Config{Backend: graph.Bolt, Address: path})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		if graph.Code(err) == graph.EBUSY {
			return 3
		}
		return 2
	}
	defer s.Close()
	if file != "" {
		ins, err := graph.Inputs([]string{file}, nil)
		if err == nil {
			_, err = s.Load(ctx, ins, graph.LoadOptions{})
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 2
		}
	}
	return 0
}

func helper(t *testing.T, path, file string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AGENCYGRAPH_HELPER_STORE="+path, "AGENCYGRAPH_HELPER_LOAD="+file)
	return cmd
}

func TestStore_BoltReopenAfterExit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.bolt")
	good, _ := filepath.Abs("../testdata/load/good.nq")
	if out, err := helper(t, path, good).CombinedOutput(); err != nil {
		t.Fatalf("loader process: %v\n%s", err, out)
	}
	s := openBolt(t, path)
	defer s.Close()
	if n := quadCount(t, s); n != goodQuads {
		t.Errorf("reopened store holds %d quads, want %d", n, goodQuads)
	}
}

func TestStore_BoltHeldByAnotherProcessFailsFast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.bolt")
	s := openBolt(t, path)
	defer s.Close()
	start := time.Now()
	out, err := helper(t, path, "").CombinedOutput()
	elapsed := time.Since(start)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 3 {
		t.Fatalf("second process: err = %v, output %q; want exit 3 (store busy)", err, out)
	}
	if !strings.Contains(string(out), "store held by another process") {
		t.Errorf("message = %q, want it to say the store is in use", out)
	}
	if elapsed > time.Second+500*time.Millisecond { // process start-up included
		t.Errorf("second process took %v to give up, want about a second at most", elapsed)
	}
}

// Readers share a Bolt file; a writer has it to itself, and a reader's
// handle refuses to write.
func TestStore_BoltReadersShareTheFile(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.bolt")
	w := openBolt(t, path)
	if _, err := load(t, w, "../testdata/load/good.nq"); err != nil {
		t.Fatal(err)
	}
	w.Close()

	ro := graph.Config{Backend: graph.Bolt, Address: path, ReadOnly: true}
	var readers []*graph.Store
	for range 2 {
		r, err := graph.Open(ctx, ro)
		if err != nil {
			t.Fatalf("reader %d: %v", len(readers)+1, err)
		}
		defer r.Close()
		readers = append(readers, r)
	}
	for i, r := range readers {
		if n := quadCount(t, r); n != goodQuads {
			t.Errorf("reader %d sees %d quads, want %d", i+1, n, goodQuads)
		}
	}
	if _, err := graph.Open(ctx, graph.Config{Backend: graph.Bolt, Address: path}); graph.Code(err) != graph.EBUSY {
		t.Errorf("writer while readers hold the file: err = %v, want %s", err, graph.EBUSY)
	}
	extra := filepath.Join(t.TempDir(), "extra.nq")
	if err := os.WriteFile(extra, []byte("<DEA> <assists> <ICE> <src/003> .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := load(t, readers[0], extra)
	if graph.Code(err) != graph.EINVALID || !strings.Contains(err.Error(), "read-only") {
		t.Errorf("load through a reader: err = %v, want it refused as read-only", err)
	}
	for _, r := range readers {
		r.Close()
	}

	w = openBolt(t, path)
	defer w.Close()
	if n := quadCount(t, w); n != goodQuads {
		t.Errorf("after the refused load the store holds %d quads, want %d", n, goodQuads)
	}
	_, err = graph.Open(ctx, ro)
	if graph.Code(err) != graph.EBUSY || !strings.Contains(err.Error(), "writing") {
		t.Errorf("reader while a writer holds the file: err = %v, want %s naming a writer", err, graph.EBUSY)
	}
}

func TestStore_BoltReaderNeedsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing.bolt")
	_, err := graph.Open(context.Background(), graph.Config{Backend: graph.Bolt, Address: path, ReadOnly: true})
	if graph.Code(err) != graph.ENOTFOUND || !strings.Contains(err.Error(), path) {
		t.Errorf("err = %v, want %s naming %s", err, graph.ENOTFOUND, path)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("opening to read created %s (stat: %v)", path, err)
	}
}

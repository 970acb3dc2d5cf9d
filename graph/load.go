package graph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/quad"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// LoadOptions control a load.
type LoadOptions struct {
	// Strict rejects relative IRIs (full W3C N-Quads conformance).
	Strict bool
	// Progress, if set, is called now and then with the raw bytes read and
	// the quads parsed so far.
	Progress func(bytes, quads int64)
}

// LoadResult says what a load did.
type LoadResult struct {
	Read       int64 // quads parsed
	Added      int64 // quads new to the store
	Duplicates int64 // quads already present (or repeated in the input)
	Elapsed    time.Duration
}

// parseBatch is how many quads the parser hands to the encoder at a time;
// Progress calls and context checks happen once per batch.
const parseBatch = 4096

// Load parses every input and adds its quads to the store all or nothing: a
// syntax error anywhere, or a cancelled ctx, leaves the store as it was.
// Duplicate quads are skipped, not an error.
//
// Every input is parsed before the store is touched. Quads are kept
// dictionary-encoded meanwhile (four integers each), so holding millions of
// them costs little. A Bolt store that is empty, or small next to the load,
// is then rebuilt into a new file that replaces the old one in a single
// rename (see bolt_bulk.go): that is many times faster than Cayley's writer
// and no crash can leave half a load behind. The memory store takes the
// encoded quads as they are (memStore.addEncoded), PostgreSQL by COPY
// (postgres_bulk.go); other loads go through the backend's ApplyDeltas in
// one transaction. After a rebuild or a PostgreSQL load the
// Store holds a new Cayley quad store: callers must not keep QuadStore()
// across a Load.
func (s *Store) Load(ctx context.Context, inputs []Input, opt LoadOptions) (LoadResult, error) {
	start := time.Now()
	var res LoadResult
	if err := s.writable(); err != nil {
		return res, err
	}
	enc, err := parseInputs(ctx, inputs, opt)
	if err != nil {
		return res, err
	}
	res.Read = int64(len(enc.quads))
	before, err := s.countQuads(ctx)
	if err != nil {
		return res, err
	}
	if s.cfg.Backend == Bolt && res.Read > 0 && before <= rebuildFactor*res.Read {
		if err := s.rebuildBolt(ctx, enc, before); err != nil {
			return res, err
		}
	} else if s.cfg.Backend == Postgres && res.Read > 0 {
		if err := s.loadPostgres(ctx, enc, before <= rebuildFactor*res.Read); err != nil {
			return res, fmt.Errorf("write quads: %w", err)
		}
		// Cayley's SQL store keeps counts and node sizes it has read.
		if err := s.reopen(); err != nil {
			return res, err
		}
	} else if mem, ok := s.qs.(*memStore); ok {
		mem.addEncoded(enc)
	} else if res.Read > 0 {
		if err := s.applyDeltas(enc.deltas(), cgraph.IgnoreOpts{IgnoreDup: true}); err != nil {
			return res, fmt.Errorf("write quads: %w", err)
		}
	}
	s.InvalidateLookup()
	after, err := s.countQuads(ctx)
	if err != nil {
		return res, err
	}
	res.Added = after - before
	res.Duplicates = res.Read - res.Added
	res.Elapsed = time.Since(start)
	return res, nil
}

// encoded holds parsed quads with every term replaced by its index in
// nodes; index 0 is "no term" (the default graph).
type encoded struct {
	ids   map[quad.Value]uint32
	nodes []quad.Value // nodes[0] is nil
	quads [][4]uint32  // subject, predicate, object, label
}

func newEncoded() *encoded {
	return &encoded{ids: make(map[quad.Value]uint32), nodes: []quad.Value{nil}}
}

func (e *encoded) id(v quad.Value) uint32 {
	if v == nil {
		return 0
	}
	if id, ok := e.ids[v]; ok {
		return id
	}
	id := uint32(len(e.nodes))
	e.ids[v] = id
	e.nodes = append(e.nodes, v)
	return id
}

func (e *encoded) add(q quad.Quad) {
	e.quads = append(e.quads, [4]uint32{e.id(q.Subject), e.id(q.Predicate), e.id(q.Object), e.id(q.Label)})
}

func (e *encoded) quad(i int) quad.Quad {
	q := e.quads[i]
	return quad.Quad{Subject: e.nodes[q[0]], Predicate: e.nodes[q[1]], Object: e.nodes[q[2]], Label: e.nodes[q[3]]}
}

func (e *encoded) deltas() []cgraph.Delta {
	ds := make([]cgraph.Delta, len(e.quads))
	for i := range e.quads {
		ds[i] = cgraph.Delta{Quad: e.quad(i), Action: cgraph.Add}
	}
	return ds
}

// parseInputs parses the inputs in order on one goroutine while this one
// encodes the quads, so that parsing and dictionary lookups use two cores.
func parseInputs(ctx context.Context, inputs []Input, opt LoadOptions) (*encoded, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []quad.Quad, 8)
	errc := make(chan error, 1)
	go func() {
		defer close(batches)
		var done, parsed int64 // raw bytes of finished inputs, quads so far
		for _, in := range inputs {
			n, err := parseInput(ctx, in, opt.Strict, batches, func(read int64, quads int) {
				parsed += int64(quads)
				if opt.Progress != nil {
					opt.Progress(done+read, parsed)
				}
			})
			if err != nil {
				errc <- err
				return
			}
			done += n
		}
		errc <- nil
	}()
	enc := newEncoded()
	for b := range batches {
		for _, q := range b {
			enc.add(q)
		}
	}
	if err := <-errc; err != nil {
		return nil, err
	}
	return enc, nil
}

// parseInput reads one input, sending its quads in batches and reporting the
// raw bytes read to progress after each batch, and returns the raw bytes it
// consumed.
func parseInput(ctx context.Context, in Input, strict bool, out chan<- []quad.Quad, progress func(read int64, quads int)) (int64, error) {
	r, counter, closeFn, err := in.reader()
	if err != nil {
		return 0, err
	}
	defer closeFn()
	qr := nquads.NewReader(r, in.Name, nquads.Options{Strict: strict})
	batch := make([]quad.Quad, 0, parseBatch)
	send := func() error {
		select {
		case out <- batch:
		case <-ctx.Done():
			return ctx.Err()
		}
		progress(counter.n, len(batch))
		batch = make([]quad.Quad, 0, parseBatch)
		return nil
	}
	for {
		q, err := qr.ReadQuad()
		if errors.Is(err, io.EOF) {
			if len(batch) > 0 {
				if err := send(); err != nil {
					return 0, err
				}
			}
			return counter.n, nil
		}
		if err != nil {
			var se *nquads.SyntaxError
			if errors.As(err, &se) {
				return 0, &Error{Code: EINVALID, Message: se.Error(), Err: err}
			}
			return 0, fmt.Errorf("read %s: %w", in.Name, err)
		}
		batch = append(batch, q)
		if len(batch) == parseBatch {
			if err := send(); err != nil {
				return 0, err
			}
		}
	}
}

func (s *Store) countQuads(ctx context.Context) (int64, error) {
	// Bolt keeps an exact quad count; asking for exact stats would make it
	// walk every node. SQL backends estimate unless asked to be exact.
	st, err := s.qs.Stats(ctx, s.cfg.Backend != Bolt)
	if errors.Is(err, kv.ErrNoBucket) {
		return 0, nil // a new Bolt store has no size counter yet
	}
	if err != nil {
		return 0, fmt.Errorf("count quads: %w", err)
	}
	return st.Quads.Size, nil
}

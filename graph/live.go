package graph

import (
	"bytes"
	"context"
	"errors"
	"slices"

	cgraph "github.com/cayleygraph/cayley/graph"
	hkv "github.com/hidal-go/hidalgo/kv"
)

// A Bolt index keeps the ID of every quad it ever held: Cayley marks a
// deleted quad dead in the log and leaves the index as it was. Reading
// nodes from index keys alone (keyscan.go) is right only while the store
// holds no deleted quad.
//
// agencygraph notes when that is so under a key of its own, which Cayley
// does not read: the store's horizon (the last ID it gave out) and size
// (its live quads) as they stood when it held no deleted quad. While both
// still match, none has been deleted since, by this tool or by Cayley's:
// a deletion lowers the size, and the horizon only grows, with every quad
// added (one added back after a deletion takes a new ID). A bulk load
// writes the mark with the store; a write through Cayley's writer that
// deletes forgets it first, and one that only adds notes it again after.
var liveKey = hkv.Key{[]byte("agencygraph"), []byte("live")}

// liveMark is the mark the store would carry now: its horizon and size as
// the meta bucket holds them, or nil for a store that has never been
// written.
func liveMark(ctx context.Context, tx hkv.Tx) ([]byte, error) {
	var mark []byte
	for _, k := range []string{"horizon", "size"} {
		v, err := tx.Get(ctx, hkv.Key{[]byte("meta"), []byte(k)})
		if errors.Is(err, hkv.ErrNotFound) {
			return nil, nil
		} else if err != nil {
			return nil, err
		}
		mark = append(mark, v...)
	}
	return mark, nil
}

// readLive reads whether the store carries a mark that still holds.
func (r *boltReader) readLive() error {
	ctx := context.Background()
	return hkv.View(r.db, func(tx hkv.Tx) error {
		want, err := liveMark(ctx, tx)
		if err != nil || want == nil {
			return err
		}
		got, err := tx.Get(ctx, liveKey)
		if errors.Is(err, hkv.ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		r.live.Store(bytes.Equal(got, want))
		return nil
	})
}

// allLive reports whether the store holds no deleted quad.
func (r *boltReader) allLive() bool { return r.live.Load() }

// markLive notes that the store holds no deleted quad as it stands, or
// forgets it. A query planned before the mark is forgotten may still read
// a quad deleted since from the keys, as it may read one from a batch of
// the log read before the deletion.
func (r *boltReader) markLive(live bool) error {
	if !live {
		r.live.Store(false)
	}
	ctx := context.Background()
	err := hkv.Update(ctx, r.db, func(tx hkv.Tx) error {
		if !live {
			return tx.Del(liveKey)
		}
		mark, err := liveMark(ctx, tx)
		if err != nil || mark == nil {
			return err
		}
		return tx.Put(liveKey, mark)
	})
	r.live.Store(live && err == nil)
	return err
}

// applyDeltas writes through the backend. On Bolt it moves the reader's
// quad cache on to a new generation, and keeps the store's mark of holding
// no deleted quad: forgotten before a write that deletes, noted again
// after one that only adds, in a store that had it. Writes go one at a
// time, so that no write can note the mark over another's deletion.
func (s *Store) applyDeltas(deltas []cgraph.Delta, opts cgraph.IgnoreOpts) error {
	if s.bolt == nil {
		return s.qs.ApplyDeltas(deltas, opts)
	}
	s.bolt.writeMu.Lock()
	defer s.bolt.writeMu.Unlock()
	live := s.bolt.allLive()
	deletes := slices.ContainsFunc(deltas, func(d cgraph.Delta) bool { return d.Action == cgraph.Delete })
	if live && deletes {
		if err := s.bolt.markLive(false); err != nil {
			return err
		}
	}
	done := s.bolt.writing()
	err := s.qs.ApplyDeltas(deltas, opts)
	done()
	if err == nil && live && !deletes {
		// Failing to note the mark leaves the store unmarked, which is
		// slower to read but as right; the write itself stands.
		_ = s.bolt.markLive(true)
	}
	return err
}

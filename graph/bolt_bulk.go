package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/boltdb/bolt"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	hbolt "github.com/hidal-go/hidalgo/kv/bolt"
)

// rebuildFactor: a Bolt store holding at most this many times the quads of
// a load is rebuilt rather than written through Cayley. Rebuilding reads the
// old store back, so it pays off only when the load is not tiny next to it.
const rebuildFactor = 4

// boltTempSuffix names the file a rebuild writes before it replaces the
// store. A crash leaves it behind; the next rebuild removes it.
const boltTempSuffix = ".load-tmp"

// commitEvery bounds the puts in one Bolt transaction of a rebuild, and so
// the memory Bolt holds in dirty pages. The file is not live until the final
// rename, so transactions need not match the load. 64k was fastest when
// profiled on a million quads: with 256k, Bolt's in-memory leaf nodes grow
// so large that appending to them and searching them cost a fifth of the
// load; much smaller, and commits come too often.
const commitEvery = 1 << 16

// bytesPerQuad is about what a quad takes in a Cayley Bolt file (220 MB for
// a million generated quads), for sizing the memory map.
const bytesPerQuad = 256

// boltFile is the Bolt file behind addr: the file itself, or Cayley's
// indexes.bolt inside a directory (as openBolt in store.go resolves it).
func boltFile(addr string) string {
	if fi, err := os.Stat(addr); err == nil && fi.IsDir() {
		return filepath.Join(addr, "indexes.bolt")
	}
	return addr
}

// rebuildBolt writes the store's current quads (if any) and enc's into a new
// Bolt file in Cayley's kv layout, then renames it over the store's file and
// reopens the store. Until the rename the old file is untouched; rename is
// atomic, so after a crash the store holds either the old quads or all of
// them.
func (s *Store) rebuildBolt(ctx context.Context, enc *encoded, existing int64) error {
	if existing > 0 {
		err := s.EachQuad(ctx, func(q quad.Quad) error {
			enc.add(q)
			return nil
		})
		if err != nil {
			return err
		}
	}
	path := boltFile(s.cfg.Address)
	tmp := path + boltTempSuffix
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove stale %s: %w", tmp, err)
	}
	if err := writeBoltStore(ctx, tmp, enc); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", tmp, err)
	}
	// Rename while the old file is still open and locked, so no other
	// process can slip in between; then let go of the old one.
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("replace %s: %w", path, err)
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return err
	}
	return s.reopen()
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// writeBoltStore creates a Cayley kv store at path holding enc's quads, each
// once. It writes what Cayley's kv.QuadStore would after adding them, but
// with every bucket filled in key order and few, large transactions:
//
//	meta               version, indexes, size (quads), horizon (last ID)
//	log                ID → proto.Primitive: nodes 1..N, then quads N+1..N+Q
//	v<h0><h1>          value hash → node ID (uvarint)
//	n<h0><h1>          value hash → reference count (uvarint)
//	<index dirs>       node IDs (big-endian) → quad IDs (uvarints, ascending)
//	agencygraph        live → horizon and size: no quad is deleted (live.go)
func writeBoltStore(ctx context.Context, path string, enc *encoded) error {
	// Mapping the whole file up front spares Bolt remapping it as it grows.
	mmap := min(bytesPerQuad*len(enc.quads), 1<<40)
	db, err := hbolt.Open(path, &bolt.Options{Timeout: lockTimeout, InitialMmapSize: mmap})
	if err != nil {
		return err
	}
	defer db.Close()
	if err := kv.Init(db, nil); err != nil {
		return fmt.Errorf("init: %w", err)
	}
	bdb := db.DB()
	bdb.NoSync = true // one fsync at the end does for all
	var indexes []kv.QuadIndex
	err = bdb.View(func(tx *bolt.Tx) error {
		return json.Unmarshal(tx.Bucket([]byte("meta")).Get([]byte("indexes")), &indexes)
	})
	if err != nil {
		return fmt.Errorf("read index list: %w", err)
	}

	qs := dedupQuads(enc.quads)
	nodes := uint64(len(enc.nodes) - 1)
	w := &bulkWriter{ctx: ctx, db: bdb}
	now := time.Now().UnixNano()

	// Sort the quads into each index's order on other cores while this one
	// writes the log and value buckets; Bolt takes one writer at a time.
	orders := make([]chan []uint32, len(indexes))
	for k, ind := range indexes {
		orders[k] = make(chan []uint32, 1)
		go func() { orders[k] <- indexOrder(qs, ind.Dirs) }()
	}

	// The log: nodes, then quads, in ID order.
	refs := make([]uint32, len(enc.nodes))
	for _, q := range qs {
		for _, id := range q {
			refs[id]++
		}
	}
	for id := uint64(1); id <= nodes; id++ {
		v, err := pquads.MarshalValue(enc.nodes[id])
		if err != nil {
			return fmt.Errorf("encode %v: %w", enc.nodes[id], err)
		}
		p := proto.Primitive{ID: id, Value: v, Timestamp: now}
		if err := w.putPrimitive(&p); err != nil {
			return err
		}
	}
	for i, q := range qs {
		p := proto.Primitive{ID: nodes + 1 + uint64(i), Subject: uint64(q[0]), Predicate: uint64(q[1]),
			Object: uint64(q[2]), Label: uint64(q[3]), Timestamp: now}
		if err := w.putPrimitive(&p); err != nil {
			return err
		}
	}

	// Value and reference buckets, in hash order.
	type hashed struct {
		h  cgraph.ValueHash
		id uint32
	}
	hs := make([]hashed, nodes)
	for i := range hs {
		id := uint32(i + 1)
		hs[i] = hashed{cgraph.HashOf(enc.nodes[id]), id}
	}
	slices.SortFunc(hs, func(a, b hashed) int { return bytes.Compare(a.h[:], b.h[:]) })
	for _, prefix := range []byte{'n', 'v'} {
		for _, x := range hs {
			n := refs[x.id]
			if prefix == 'v' {
				n = x.id
			}
			val := w.keep(binary.AppendUvarint(w.slab[len(w.slab):], uint64(n)))
			if err := w.put([]byte{prefix, x.h[0], x.h[1]}, x.h[:], val); err != nil {
				return err
			}
		}
	}

	// Quad indexes: quads sorted by the index's directions, then by ID.
	for k, ind := range indexes {
		order := <-orders[k]
		bucket := make([]byte, len(ind.Dirs))
		for i, d := range ind.Dirs {
			bucket[i] = d.Prefix()
		}
		for i := 0; i < len(order); {
			key := w.alloc(8 * len(ind.Dirs))
			for k, d := range ind.Dirs {
				binary.BigEndian.PutUint64(key[8*k:], uint64(qs[order[i]][dirIndex(d)]))
			}
			list := w.slab[len(w.slab):]
			j := i
			for ; j < len(order) && sameKey(qs[order[i]], qs[order[j]], ind.Dirs); j++ {
				list = binary.AppendUvarint(list, nodes+1+uint64(order[j]))
			}
			list = w.keep(list)
			if err := w.put(bucket, key, list); err != nil {
				return err
			}
			i = j
		}
	}

	meta := []byte("meta")
	size, horizon := le64(uint64(len(qs))), le64(nodes+uint64(len(qs)))
	if err := w.put(meta, []byte("size"), size); err != nil {
		return err
	}
	if err := w.put(meta, []byte("horizon"), horizon); err != nil {
		return err
	}
	// A new store holds no deleted quad: its mark is the two values just
	// written, as liveMark (live.go) reads them back.
	if err := w.put(liveKey[0], liveKey[1], append(slices.Clone(horizon), size...)); err != nil {
		return err
	}
	if err := w.commit(); err != nil {
		return err
	}
	if err := bdb.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return db.Close()
}

// indexOrder returns the positions of qs sorted by the values in dirs, then
// by position (quad ID).
func indexOrder(qs [][4]uint32, dirs []quad.Direction) []uint32 {
	order := make([]uint32, len(qs))
	for i := range order {
		order[i] = uint32(i)
	}
	slices.SortFunc(order, func(a, b uint32) int {
		for _, d := range dirs {
			if c := cmp.Compare(qs[a][dirIndex(d)], qs[b][dirIndex(d)]); c != 0 {
				return c
			}
		}
		return cmp.Compare(a, b)
	})
	return order
}

// dedupQuads sorts quads and drops repeats, in place.
func dedupQuads(qs [][4]uint32) [][4]uint32 {
	slices.SortFunc(qs, func(a, b [4]uint32) int {
		for i := range a {
			if c := cmp.Compare(a[i], b[i]); c != 0 {
				return c
			}
		}
		return 0
	})
	return slices.Compact(qs)
}

// dirIndex is d's position in an encoded quad.
func dirIndex(d quad.Direction) int {
	switch d {
	case quad.Subject:
		return 0
	case quad.Predicate:
		return 1
	case quad.Object:
		return 2
	default:
		return 3
	}
}

func sameKey(a, b [4]uint32, dirs []quad.Direction) bool {
	for _, d := range dirs {
		if a[dirIndex(d)] != b[dirIndex(d)] {
			return false
		}
	}
	return true
}

func le64(v uint64) []byte {
	return binary.LittleEndian.AppendUint64(nil, v)
}

// bulkWriter puts keys into a Bolt file in batches of commitEvery, one
// transaction each. Keys arrive in order within each bucket, so buckets are
// packed full: nothing will be inserted between them later in bulk.
type bulkWriter struct {
	ctx  context.Context
	db   *bolt.DB
	tx   *bolt.Tx
	n    int
	name string
	b    *bolt.Bucket
	slab []byte // see alloc
}

func (w *bulkWriter) put(bucket, key, val []byte) error {
	if w.tx == nil {
		tx, err := w.db.Begin(true)
		if err != nil {
			return err
		}
		w.tx, w.b, w.name = tx, nil, ""
	}
	if w.b == nil || w.name != string(bucket) {
		b, err := w.tx.CreateBucketIfNotExists(bucket)
		if err != nil {
			return fmt.Errorf("bucket %q: %w", bucket, err)
		}
		b.FillPercent = 1
		w.b, w.name = b, string(bucket)
	}
	if err := w.b.Put(key, val); err != nil {
		return err
	}
	w.n++
	if w.n%commitEvery == 0 {
		if err := w.ctx.Err(); err != nil {
			return err
		}
		return w.commit()
	}
	return nil
}

func (w *bulkWriter) putPrimitive(p *proto.Primitive) error {
	val := w.alloc(p.ProtoSize())
	if _, err := p.MarshalTo(val); err != nil {
		return err
	}
	key := w.keep(binary.BigEndian.AppendUint64(w.slab[len(w.slab):], p.ID))
	return w.put(logBucket, key, val)
}

var logBucket = []byte("log")

// slabSize is the size of the blocks keys and values are cut from. Bolt
// holds on to every key and value put until the transaction commits, so
// cutting them from large blocks (dropped after the commit) spares the
// collector millions of small objects.
const slabSize = 1 << 20

// alloc returns n bytes cut from the current slab.
func (w *bulkWriter) alloc(n int) []byte {
	if cap(w.slab)-len(w.slab) < n {
		w.slab = make([]byte, 0, max(slabSize, n))
	}
	b := w.slab[len(w.slab) : len(w.slab)+n : len(w.slab)+n]
	w.slab = w.slab[:len(w.slab)+n]
	return b
}

// keep claims b, which was appended to the free end of the slab, for as
// long as the transaction runs. If the appends outgrew the slab, b lives in
// its own allocation and the slab stays as it was.
func (w *bulkWriter) keep(b []byte) []byte {
	free := w.slab[len(w.slab):cap(w.slab)]
	if len(b) > 0 && len(free) > 0 && &b[0] == &free[0] && len(b) <= len(free) {
		w.slab = w.slab[:len(w.slab)+len(b)]
		return b[:len(b):len(b)]
	}
	return b
}

func (w *bulkWriter) commit() error {
	if w.tx == nil {
		return nil
	}
	err := w.tx.Commit()
	w.tx = nil
	if err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

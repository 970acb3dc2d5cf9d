package graph

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
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
// once. It writes what Cayley's kv.QuadStore would after adding them, every
// bucket in key order, page by page (boltpages.go):
//
//	meta               version, indexes (boltIndexes, as initBolt writes them), size (quads), horizon (last ID)
//	log                ID → proto.Primitive: nodes 1..N, then quads N+1..N+Q
//	v<h0><h1>          value hash → node ID (uvarint)
//	n<h0><h1>          value hash → reference count (uvarint)
//	<index dirs>       node IDs (big-endian) → quad IDs (uvarints, ascending)
//	agencygraph        live → horizon and size: no quad is deleted (live.go)
func writeBoltStore(ctx context.Context, path string, enc *encoded) error {
	base, err := initialBuckets(path + ".init")
	if err != nil {
		return fmt.Errorf("init: %w", err)
	}
	var indexes []kv.QuadIndex
	if err := json.Unmarshal(base["meta"]["indexes"], &indexes); err != nil {
		return fmt.Errorf("read index list: %w", err)
	}
	w, err := newPageWriter(path)
	if err != nil {
		return err
	}
	if err := writeBuckets(ctx, w, enc, indexes, base, time.Now().UnixNano()); err != nil {
		w.abort()
		return err
	}
	return w.finish()
}

// ctxCheckEvery is how many keys a rebuild writes between looks at its
// context.
const ctxCheckEvery = 1 << 16

// bucketWriter takes a Bolt file's buckets one after another, each one's
// keys in order: a pageWriter, or in tests Bolt's own Put.
type bucketWriter interface {
	beginBucket(bucket []byte) error
	put(bucket, key, val []byte) error
	written(bucket []byte) bool
}

// writeBuckets writes enc's quads in Cayley's kv layout into w, over the
// buckets initBolt made (base), every log entry stamped now.
func writeBuckets(ctx context.Context, w bucketWriter, enc *encoded, indexes []kv.QuadIndex, base map[string]map[string][]byte, now int64) error {
	l := newLayout(ctx, w, enc)
	// Hash the values and sort the quads into each index's order on other
	// cores while this one writes the log.
	hashes := make(chan []hashedNode, 1)
	go func() { hashes <- l.hashNodes() }()
	orders := make([]chan []uint32, len(indexes))
	for k, ind := range indexes {
		orders[k] = make(chan []uint32, 1)
		go func() { orders[k] <- indexOrder(l.qs, ind.Dirs, l.nodes) }()
	}
	if err := l.writeLog(now); err != nil {
		return err
	}
	if err := l.writeValues(<-hashes); err != nil {
		return err
	}
	for k, ind := range indexes {
		if err := l.writeIndex(ind, <-orders[k]); err != nil {
			return err
		}
	}
	return l.writeMeta(base)
}

// layout is one store's quads, each once, on their way into a bucketWriter.
type layout struct {
	ctx      context.Context
	w        bucketWriter
	enc      *encoded
	qs       [][4]uint32 // enc's quads, sorted, repeats dropped: quad i has ID nodes+1+i
	nodes    uint64      // node IDs are 1..nodes
	refs     []uint32    // quads using each node
	puts     int
	key, val []byte // reused: writers copy what they keep
}

func newLayout(ctx context.Context, w bucketWriter, enc *encoded) *layout {
	l := &layout{ctx: ctx, w: w, enc: enc, qs: dedupQuads(enc.quads), nodes: uint64(len(enc.nodes) - 1)}
	l.refs = make([]uint32, len(enc.nodes))
	for _, q := range l.qs {
		for _, id := range q {
			l.refs[id]++
		}
	}
	return l
}

func (l *layout) put(bucket, key, val []byte) error {
	if l.puts++; l.puts%ctxCheckEvery == 0 {
		if err := l.ctx.Err(); err != nil {
			return err
		}
	}
	return l.w.put(bucket, key, val)
}

// writeLog writes the log: nodes, then quads, in ID order.
func (l *layout) writeLog(now int64) error {
	put := func(p *proto.Primitive) error {
		l.val = slices.Grow(l.val[:0], p.ProtoSize())[:p.ProtoSize()]
		if _, err := p.MarshalTo(l.val); err != nil {
			return err
		}
		l.key = binary.BigEndian.AppendUint64(l.key[:0], p.ID)
		return l.put(logBucket, l.key, l.val)
	}
	for id := uint64(1); id <= l.nodes; id++ {
		v, err := pquads.MarshalValue(l.enc.nodes[id])
		if err != nil {
			return fmt.Errorf("encode %v: %w", l.enc.nodes[id], err)
		}
		if err := put(&proto.Primitive{ID: id, Value: v, Timestamp: now}); err != nil {
			return err
		}
	}
	for i, q := range l.qs {
		p := proto.Primitive{ID: l.nodes + 1 + uint64(i), Subject: uint64(q[0]), Predicate: uint64(q[1]),
			Object: uint64(q[2]), Label: uint64(q[3]), Timestamp: now}
		if err := put(&p); err != nil {
			return err
		}
	}
	return nil
}

// hashedNode is a node ID with its value's hash, the key of its value and
// reference entries.
type hashedNode struct {
	h  cgraph.ValueHash
	id uint32
}

// hashNodes returns every node with its hash, in hash order.
func (l *layout) hashNodes() []hashedNode {
	hs := make([]hashedNode, l.nodes)
	for i := range hs {
		id := uint32(i + 1)
		hs[i] = hashedNode{cgraph.HashOf(l.enc.nodes[id]), id}
	}
	// The first eight bytes decide all but a handful of comparisons, as one
	// integer: with bytes.Compare per pair, sorting a 1M load's 218,693
	// hashes took 120 ms.
	slices.SortFunc(hs, func(a, b hashedNode) int {
		x, y := binary.BigEndian.Uint64(a.h[:8]), binary.BigEndian.Uint64(b.h[:8])
		if x != y {
			return cmp.Compare(x, y)
		}
		return bytes.Compare(a.h[8:], b.h[8:])
	})
	return hs
}

// writeValues writes the value and reference buckets of the hashed nodes.
func (l *layout) writeValues(hs []hashedNode) error {
	for _, prefix := range []byte{'n', 'v'} {
		for _, x := range hs {
			n := l.refs[x.id]
			if prefix == 'v' {
				n = x.id
			}
			if err := l.put([]byte{prefix, x.h[0], x.h[1]}, x.h[:], binary.AppendUvarint(l.val[:0], uint64(n))); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeIndex writes one quad index: the quads in order (indexOrder), one
// key per run of quads equal in the index's directions.
func (l *layout) writeIndex(ind kv.QuadIndex, order []uint32) error {
	bucket := make([]byte, len(ind.Dirs))
	for i, d := range ind.Dirs {
		bucket[i] = d.Prefix()
	}
	for i := 0; i < len(order); {
		l.key = l.key[:0]
		for _, d := range ind.Dirs {
			l.key = binary.BigEndian.AppendUint64(l.key, uint64(l.qs[order[i]][dirIndex(d)]))
		}
		l.val = l.val[:0]
		j := i
		for ; j < len(order) && sameKey(l.qs[order[i]], l.qs[order[j]], ind.Dirs); j++ {
			l.val = binary.AppendUvarint(l.val, l.nodes+1+uint64(order[j]))
		}
		if err := l.put(bucket, l.key, l.val); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// writeMeta writes the meta bucket (initBolt's keys, the size and the last
// ID), the mark of a store with no deleted quad, and whatever else initBolt
// made (empty buckets among them) as it made it.
func (l *layout) writeMeta(base map[string]map[string][]byte) error {
	size, horizon := le64(uint64(len(l.qs))), le64(l.nodes+uint64(len(l.qs)))
	meta := base["meta"]
	meta["size"], meta["horizon"] = size, horizon
	if err := putAll(l.w, []byte("meta"), meta); err != nil {
		return err
	}
	// The mark is the two values just written, as liveMark (live.go) reads them back.
	if err := l.put(liveKey[0], liveKey[1], append(slices.Clone(horizon), size...)); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(base)) {
		if !l.w.written([]byte(name)) {
			if err := putAll(l.w, []byte(name), base[name]); err != nil {
				return err
			}
		}
	}
	return nil
}

// putAll writes bucket holding kvs, in key order.
func putAll(w bucketWriter, bucket []byte, kvs map[string][]byte) error {
	if err := w.beginBucket(bucket); err != nil {
		return err
	}
	for _, k := range slices.Sorted(maps.Keys(kvs)) {
		if err := w.put(bucket, []byte(k), kvs[k]); err != nil {
			return err
		}
	}
	return nil
}

// initialBuckets returns what initBolt writes into a new Bolt store,
// bucket by bucket, read back from a scratch file at path.
func initialBuckets(path string) (map[string]map[string][]byte, error) {
	os.Remove(path)
	defer os.Remove(path)
	db, err := hbolt.Open(path, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	db.DB().NoSync = true // a scratch file: nothing to make durable
	if err := initBolt(db); err != nil {
		return nil, err
	}
	out := map[string]map[string][]byte{}
	err = db.DB().View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bolt.Bucket) error {
			kvs := map[string][]byte{}
			out[string(name)] = kvs
			return b.ForEach(func(k, v []byte) error {
				if v == nil {
					return fmt.Errorf("bucket %q holds bucket %q: not Cayley's layout", name, k)
				}
				kvs[string(k)] = slices.Clone(v)
				return nil
			})
		})
	})
	return out, err
}

// indexOrder returns the positions of qs sorted by the values in dirs, then
// by position (quad ID). It is a counting sort per direction, the last
// first, each pass stable: node IDs are dense (1..nodes), so this is a few
// linear passes where a comparison sort of a million quads took a quarter
// of a second per index.
func indexOrder(qs [][4]uint32, dirs []quad.Direction, nodes uint64) []uint32 {
	order := make([]uint32, len(qs))
	for i := range order {
		order[i] = uint32(i)
	}
	next := make([]uint32, len(qs))
	starts := make([]uint32, nodes+2)
	for k := len(dirs) - 1; k >= 0; k-- {
		d := dirIndex(dirs[k])
		clear(starts)
		for _, q := range qs {
			starts[q[d]+1]++
		}
		for v := 1; v < len(starts); v++ {
			starts[v] += starts[v-1]
		}
		for _, i := range order {
			v := qs[i][d]
			next[starts[v]] = i
			starts[v]++
		}
		order, next = next, order
	}
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

var logBucket = []byte("log")

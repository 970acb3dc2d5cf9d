package graph

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/boltdb/bolt"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	"github.com/cayleygraph/cayley/graph/proto"
	"github.com/cayleygraph/quad"
	"github.com/cayleygraph/quad/pquads"
	"github.com/maypok86/otter/v2"
)

// boltReader reads quads and values from a Bolt file in Cayley's kv layout
// itself, and keeps what it decodes. Cayley's kv store fetches each quad of
// a scan from the log bucket by ID, then each of its values by ID again,
// every fetch looking the bucket up afresh and every value in a transaction
// of its own: a saved query that reads a few thousand assertions spends
// most of its time in Bolt's B+tree searches and protobuf decoding, two to
// four times what the same query takes on Cayley's memstore. Here a scan
// reads a batch of quads per transaction (and holds none between batches:
// see scanNext), and decoded quads and values go into bounded caches
// (otter: concurrent reads without a lock; about 320 MB at most, see the
// budgets below) shared by every query on the store, so a busy agency's
// quads are decoded once.
//
// A value's ID names that value for the life of the file (Cayley never
// reuses one), so cached values are never stale. A quad's log entry is
// rewritten when the quad is deleted, so cached quads are keyed by a
// generation that every write moves on (see writing).
//
// Lookups the other way, a value to its ID, go through Cayley's value index
// (a hash in one of 65,536 nested buckets), which keeps only the last 2,000
// IRIs, fewer than the labels a hub's quads carry: a query that names them
// (LabelContext) paid a bucket lookup per label per step. A value's ID
// changes if every quad using it is deleted and it is added again, so these
// are kept by generation too.
type boltReader struct {
	db    *guardedKV
	vals  *otter.Cache[uint64, quad.Value]
	quads *otter.Cache[quadKey, *proto.Primitive]
	refs  *otter.Cache[refKey, uint64] // 0: not in the store
	// counts holds the sizes of large index scans, which the planner asks
	// for in every query (see sizedStore.count).
	counts *otter.Cache[countKey, int64]
	gen    atomic.Uint64 // odd while a write is under way
	live   atomic.Bool   // the store holds no deleted quad (live.go)
	// writeMu keeps writes through Cayley's writer one at a time (live.go).
	writeMu sync.Mutex
	// A read-only store keeps its read transactions open between reads
	// (see keep): readOnly says so, idle holds those not in use.
	readOnly bool
	keep     bool // decoded quads and values go into the caches (not Config.OneQuery)
	idleMu   sync.Mutex
	idle     []*readTx
	shut     bool // release has run: transactions close, not idle
}

type (
	quadKey  struct{ gen, id uint64 }
	countKey struct {
		gen  uint64
		scan scanKey
	}
	refKey struct {
		gen uint64
		v   string // the value in N-Quads syntax
	}
)

// Cache budgets, in approximate bytes. A million-quad store's quads fit in
// the first; values are fewer but longer (names, quotes).
const (
	quadCacheBytes  = 192 << 20
	valueCacheBytes = 64 << 20 // each way
	// quadWeight is a cached quad's cost: the 88-byte primitive in its
	// 96-byte size class, plus the cache's own entry.
	quadWeight = 160
	valueEntry = 80 // a value's entry and interface, before its text
)

func newBoltReader(db *guardedKV, cfg Config) *boltReader {
	return &boltReader{
		db:       db,
		readOnly: cfg.ReadOnly,
		keep:     !cfg.OneQuery,
		vals: otter.Must(&otter.Options[uint64, quad.Value]{
			MaximumWeight: valueCacheBytes,
			Weigher:       func(_ uint64, v quad.Value) uint32 { return valueWeight(v) },
		}),
		quads: otter.Must(&otter.Options[quadKey, *proto.Primitive]{
			MaximumWeight: quadCacheBytes,
			Weigher:       func(quadKey, *proto.Primitive) uint32 { return quadWeight },
		}),
		counts: otter.Must(&otter.Options[countKey, int64]{MaximumSize: maxCounted}),
		refs: otter.Must(&otter.Options[refKey, uint64]{
			MaximumWeight: valueCacheBytes,
			Weigher:       func(k refKey, _ uint64) uint32 { return valueEntry + uint32(min(len(k.v), 1<<24)) },
		}),
	}
}

// ref returns the ID of v, or 0 if the store does not hold it; lookup
// reads it from the store. With fill, an ID looked up is kept.
func (r *boltReader) ref(v quad.Value, fill bool, lookup func(quad.Value) uint64) uint64 {
	gen := r.gen.Load()
	if gen&1 == 1 {
		return lookup(v)
	}
	k := refKey{gen, quad.StringOf(v)}
	if id, ok := r.refs.GetIfPresent(k); ok {
		return id
	}
	id := lookup(v)
	if fill {
		r.refs.Set(k, id)
	}
	return id
}

func valueWeight(v quad.Value) uint32 {
	if v == nil {
		return valueEntry
	}
	return valueEntry + uint32(min(len(v.String()), 1<<24))
}

// writing brackets a write to the store: call it before, and the function
// it returns once the write is committed or abandoned. Readers that start
// meanwhile read around the quad cache, and those that start after use a
// new generation of it, so none is served a quad as it was before the
// write. (A query that began before the write may still see some of its
// quads as after it, as with Cayley's kv store, which opens a transaction
// per read.)
func (r *boltReader) writing() (done func()) {
	r.gen.Add(1)
	return func() { r.gen.Add(1) }
}

// readTx is a Bolt read transaction with the log bucket at hand.
type readTx struct {
	r       *boltReader
	tx      *bolt.Tx
	log     *bolt.Bucket
	buckets map[string]*bolt.Bucket // looked up so far; kept transactions only
	quadLog logCursor               // where the last quad read left it
	nodeLog logCursor               // where the last value read left it
	index   map[string]*indexCursor // on index buckets, where the last scan left them
	recent  *recentValues           // kept transactions only
	done    func()
	gen     uint64
	cache   bool // false while a write is under way
	fill    bool // keep what is read (cache and the caller's wish)
}

// begin opens a read transaction; with fill, what it reads is kept in the
// caches. A reader that passes over much of the store once (an export)
// reads without filling them, so that it neither holds hundreds of
// megabytes nor evicts what queries use.
func (r *boltReader) begin(fill bool) (*readTx, error) {
	gen := r.gen.Load()
	if t := r.reuse(); t != nil {
		t.gen, t.cache, t.fill = gen, gen&1 == 0, gen&1 == 0 && fill
		return t, nil
	}
	tx, done, err := r.db.begin()
	if err != nil {
		return nil, err
	}
	log := tx.Bucket(logBucket)
	if log == nil {
		tx.Rollback()
		done()
		return nil, fmt.Errorf("bolt store has no %q bucket: not a Cayley kv store", logBucket)
	}
	cache := gen&1 == 0
	t := &readTx{r: r, tx: tx, log: log, done: done, gen: gen, cache: cache, fill: cache && fill}
	if r.readOnly {
		t.buckets, t.recent = map[string]*bolt.Bucket{}, new(recentValues)
	}
	return t, nil
}

// recentValues holds the last values a kept transaction read, by ID modulo
// its size: a node's value never changes, so they need no invalidation. A
// store opened for one query fills no cache (Config.OneQuery), yet a
// filter names every node it is given, and the objects of 74,781
// assertions on a million quads are 13,513 nodes: conflicts read each
// value five times, half the CPU of its pass over them.
type recentValues [4096]struct {
	id uint64
	v  quad.Value
}

func (rv *recentValues) get(id uint64) (quad.Value, bool) {
	if rv == nil {
		return nil, false
	}
	e := &rv[id%uint64(len(rv))]
	return e.v, e.id == id && e.v != nil
}

func (rv *recentValues) put(id uint64, v quad.Value) {
	if rv != nil {
		rv[id%uint64(len(rv))] = struct {
			id uint64
			v  quad.Value
		}{id, v}
	}
}

// A read-only store keeps its read transactions open between reads and
// hands them out again, buckets looked up and all. A query that checks a
// thousand assertions for a predicate opens a transaction per check, and
// opening one (Bolt's meta copy, locks, the bucket lookups) cost a fifth
// of a saved query's time. Bolt's reason to close them, a writer that must
// remap the file while readers hold it, cannot arise: a read-only Store
// takes no writes, and the file's shared lock keeps other processes from
// writing while it is open. Each transaction serves one reader at a time.

// reuse returns an idle kept transaction, or nil.
func (r *boltReader) reuse() *readTx {
	if !r.readOnly {
		return nil
	}
	r.idleMu.Lock()
	defer r.idleMu.Unlock()
	n := len(r.idle)
	if n == 0 {
		return nil
	}
	t := r.idle[n-1]
	r.idle = r.idle[:n-1]
	return t
}

// close ends the transaction, or keeps it for the next reader of a
// read-only store.
func (t *readTx) close() {
	if t.r.readOnly {
		t.r.idleMu.Lock()
		keep := !t.r.shut
		if keep {
			t.r.idle = append(t.r.idle, t)
		}
		t.r.idleMu.Unlock()
		if keep {
			return
		}
	}
	t.tx.Rollback()
	t.done()
}

// release ends the kept transactions, and any in use as their readers
// finish; the file cannot close while one is open.
func (r *boltReader) release() {
	r.idleMu.Lock()
	idle := r.idle
	r.idle, r.shut = nil, true
	r.idleMu.Unlock()
	for _, t := range idle {
		t.tx.Rollback()
		t.done()
	}
}

// bucket returns the named bucket of the transaction, or nil.
func (t *readTx) bucket(name []byte) *bolt.Bucket {
	if t.buckets == nil {
		return t.tx.Bucket(name)
	}
	if b, ok := t.buckets[string(name)]; ok {
		return b
	}
	b := t.tx.Bucket(name)
	t.buckets[string(name)] = b
	return b
}

// entry decodes the log entry of id, read with lc, or returns nil if there
// is none.
func (t *readTx) entry(lc *logCursor, id uint64) (*proto.Primitive, error) {
	b := lc.entry(t.log, id)
	if b == nil {
		return nil, nil
	}
	p := new(proto.Primitive)
	if err := p.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("decode log entry %d: %w", id, err)
	}
	return p, nil
}

// maxStep is how far past the last entry read a logCursor steps before it
// searches from the root instead. An assertion's quads and new values take
// a dozen to twenty IDs, so a walk of one predicate's quads in subject
// order (conflicts reads 74,781 rdf:object quads) finds the next one that
// far on: at 32 rather than 8, with a cursor of its own, 0.90x the cold
// conflicts; other saved queries 0.95-1.06x, within the noise.
const maxStep = 32

// logCursor is a cursor on the log that knows which entry it is on (0:
// none). A transaction keeps one for quads and one for values: a walk of a
// predicate's quads reads them in ID order and names their objects between
// them, and on one cursor each read undid the other's place.
type logCursor struct {
	c  *bolt.Cursor
	at uint64
}

// entry returns the log's entry for id, or nil. The bulk loader gives a
// subject's quads consecutive IDs (bolt_bulk.go writes them in
// subject-predicate order) and a scan asks for an index entry's IDs in
// order, so the entry wanted next is often the one after the last: the
// cursor steps to it where a Get would search the B+tree from its root
// (Bolt's searches were a fifth of a cold path query's CPU; stepping saves
// about 5 % of a cold saved query).
func (lc *logCursor) entry(log *bolt.Bucket, id uint64) []byte {
	if lc.c == nil {
		lc.c = log.Cursor()
	}
	if lc.at != 0 && id > lc.at && id-lc.at <= maxStep {
		for k, v := lc.c.Next(); len(k) == 8; k, v = lc.c.Next() {
			lc.at = binary.BigEndian.Uint64(k)
			if lc.at == id {
				return v
			}
			if lc.at > id {
				return nil
			}
		}
		lc.at = 0
		return nil
	}
	var key [8]byte
	binary.BigEndian.PutUint64(key[:], id)
	k, v := lc.c.Seek(key[:])
	if len(k) != 8 {
		lc.at = 0
		return nil
	}
	lc.at = binary.BigEndian.Uint64(k)
	if lc.at != id {
		return nil
	}
	return v
}

// quad returns the quad with ID id, deleted or not, or nil.
func (t *readTx) quad(id uint64) (*proto.Primitive, error) {
	k := quadKey{t.gen, id}
	if t.cache && t.r.keep { // without keep nothing is ever cached
		if p, ok := t.r.quads.GetIfPresent(k); ok {
			return p, nil
		}
	}
	p, err := t.entry(&t.quadLog, id)
	if p != nil && t.fill && t.r.keep {
		t.r.quads.Set(k, p)
	}
	return p, err
}

// value returns the value of node id; nil for 0 (no label) or no such node.
func (t *readTx) value(id uint64) (quad.Value, error) {
	if id == 0 {
		return nil, nil
	}
	if v, ok := t.recent.get(id); ok {
		return v, nil
	}
	if v, ok := t.r.cached(id); ok {
		return v, nil
	}
	p, err := t.entry(&t.nodeLog, id)
	if p == nil || err != nil {
		return nil, err
	}
	v, err := pquads.UnmarshalValue(p.Value)
	if err != nil {
		return nil, fmt.Errorf("decode value %d: %w", id, err)
	}
	t.recent.put(id, v)
	if t.fill && t.r.keep {
		t.r.vals.Set(id, v)
		// The other way too: a query often names next what it just read
		// (the labels of a node's quads, then LabelContext over them).
		t.r.refs.Set(refKey{t.gen, quad.StringOf(v)}, id)
	}
	return v, nil
}

// cached returns the value of id if the cache holds it. A store that keeps
// nothing (Config.OneQuery) has nothing to look up.
func (r *boltReader) cached(id uint64) (quad.Value, bool) {
	if !r.keep {
		return nil, false
	}
	return r.vals.GetIfPresent(id)
}

// values returns the values of ids, reading those not cached in one
// transaction.
func (r *boltReader) values(ids []uint64, fill bool) ([]quad.Value, error) {
	out := make([]quad.Value, len(ids))
	var miss []int
	for i, id := range ids {
		if id == 0 {
			continue
		}
		if v, ok := r.cached(id); ok {
			out[i] = v
		} else {
			miss = append(miss, i)
		}
	}
	if len(miss) == 0 {
		return out, nil
	}
	t, err := r.begin(fill)
	if err != nil {
		return out, err
	}
	defer t.close()
	for _, i := range miss {
		if out[i], err = t.value(ids[i]); err != nil {
			return out, err
		}
	}
	return out, nil
}

// scan is the quads under one key prefix of a Bolt index (a node's quads as
// subject, say), read through the cache, as an iterator shape for Cayley's
// planner with the size sizedStore counts.
type scan struct {
	qs   *sizedStore
	ind  kv.QuadIndex
	vals []uint64
}

func (s *scan) legacy() cgraph.Iterator { return cgraph.NewLegacy(s, nil) }

func (s *scan) String() string { return fmt.Sprintf("BoltScan(%v)", s.ind) }

func (s *scan) Iterate() cgraph.Scanner {
	bucket, prefix := indexKey(s.ind, s.vals)
	return &scanNext{r: s.qs.bolt, fill: s.qs.fill, bucket: bucket, prefix: prefix}
}

// indexKey is what Cayley's QuadIndex.Key gives, its bucket's name and the
// key of vals in it, in one allocation where Key makes four: a hop from
// many nodes asks for one per node (two passes over the 74,781
// assertions of the 1M graph in conflicts).
func indexKey(ind kv.QuadIndex, vals []uint64) (bucket, prefix []byte) {
	buf := make([]byte, len(ind.Dirs)+8*len(vals))
	for i, d := range ind.Dirs {
		buf[i] = d.Prefix()
	}
	bucket, prefix = buf[:len(ind.Dirs):len(ind.Dirs)], buf[len(ind.Dirs):]
	for i, v := range vals {
		binary.BigEndian.PutUint64(prefix[8*i:], v)
	}
	return bucket, prefix
}

func (s *scan) Lookup() cgraph.Index { return &scanContains{s: s} }

func (s *scan) Stats(context.Context) (cgraph.IteratorCosts, error) {
	n := s.qs.count(s.ind, s.vals)
	// Not exact: an index keeps the IDs of deleted quads.
	return cgraph.IteratorCosts{ContainsCost: 1, NextCost: 2, Size: cgraph.Size{Size: n}}, nil
}

func (s *scan) Optimize(context.Context) (cgraph.IteratorShape, bool) { return s, false }

func (s *scan) SubIterators() []cgraph.IteratorShape { return nil }

// Batch bounds for a scan: its first read takes one quad (a check that a
// node has a link wants no more), and each next one twice as many as the
// last, up to maxBatch.
const maxBatch = 256

// scanNext walks the index entries under prefix in key order; each entry is
// a list of quad IDs (uvarints), each looked up in the log.
//
// It reads in batches, each in a transaction of its own that is closed
// (on a read-only store: handed back, see reuse) before Next returns. A
// read transaction held between calls of a writable store would deadlock
// the process as soon as a write had to grow the file while the query
// opened another one: Bolt's writer waits for every reader to finish before
// it remaps the file, and new readers wait for the writer. Between batches
// the scan keeps its place by key and by how many of the entry's IDs it has
// read: Cayley only ever appends to an index entry (a deleted quad keeps
// its ID there), so the place stays good across writes.
type scanNext struct {
	r              *boltReader
	fill           bool
	bucket, prefix []byte
	key            []byte // the entry being read; nil before the first
	off            int    // how many of its IDs have been read
	batch          int    // quads the next batch reads
	buf            []*proto.Primitive
	prim           *proto.Primitive
	done           bool
	err            error
}

func (it *scanNext) Next(ctx context.Context) bool {
	it.prim = nil
	for len(it.buf) == 0 {
		if it.done || it.err != nil {
			return false
		}
		if err := ctx.Err(); err != nil {
			return it.fail(err)
		}
		if err := it.readBatch(); err != nil {
			return it.fail(err)
		}
	}
	it.prim, it.buf = it.buf[0], it.buf[1:]
	return true
}

// readBatch reads the scan's next IDs, up to its batch size, keeping the
// live quads in buf.
func (it *scanNext) readBatch() error {
	t, c, err := it.r.batchCursor(it.fill, it.bucket, &it.batch)
	if err != nil {
		return err
	}
	defer t.close()
	if c == nil {
		it.done = true
		return nil
	}
	it.buf = it.buf[:0]
	from := it.prefix
	if it.key != nil {
		from = it.key
	}
	k, ids := c.Seek(from)
	if !bytes.Equal(k, it.key) {
		it.off = 0
	} else if ids, err = skipIDs(ids, it.off); err != nil {
		return fmt.Errorf("bolt index %s: %w", it.bucket, err)
	}
	for read := 0; read < it.batch; {
		if k == nil || !bytes.HasPrefix(k, it.prefix) {
			it.done = true
			return nil
		}
		for ; len(ids) > 0 && read < it.batch; read++ {
			var id uint64
			if id, ids, err = nextID(ids); err != nil {
				return fmt.Errorf("bolt index %s: %w", it.bucket, err)
			}
			it.off++
			p, err := t.quad(id)
			if err != nil {
				return err
			}
			if p != nil && !p.Deleted {
				it.buf = append(it.buf, p)
			}
		}
		if len(ids) == 0 {
			k, ids = c.Next()
			it.off = 0
		}
	}
	// The place to go on from, copied out of the transaction's memory.
	if k == nil || !bytes.HasPrefix(k, it.prefix) {
		it.done = true
	} else {
		it.key = append(it.key[:0], k...)
	}
	return nil
}

// batchCursor opens a transaction for a scan's next batch, and a cursor on
// bucket (nil if there is no such bucket): the transaction's own, where the
// last scan of the bucket left it. It doubles the batch size up to
// maxBatch.
func (r *boltReader) batchCursor(fill bool, bucket []byte, batch *int) (*readTx, *indexCursor, error) {
	*batch = min(max(2**batch, 1), maxBatch)
	return r.cursor(fill, bucket)
}

// cursor opens a transaction and a cursor on bucket (nil if there is no
// such bucket): the transaction's own, where the last reader of the bucket
// left it.
func (r *boltReader) cursor(fill bool, bucket []byte) (*readTx, *indexCursor, error) {
	t, err := r.begin(fill)
	if err != nil {
		return nil, nil, err
	}
	if c, ok := t.index[string(bucket)]; ok {
		return t, c, nil
	}
	b := t.bucket(bucket)
	if b == nil {
		return t, nil, nil
	}
	c := &indexCursor{c: b.Cursor()}
	if t.index == nil {
		t.index = map[string]*indexCursor{}
	}
	t.index[string(bucket)] = c
	return t, c, nil
}

// indexCursor is a cursor on an index bucket that knows where it is, kept
// with its transaction, so that a seek a few keys ahead steps there instead
// of searching the B+tree from its root. A hop from thousands of nodes in
// ID order (conflicts checks each of 74,781 assertions for its object)
// seeks each node's keys a few past the last node's: the searches were a
// third of that query's time.
type indexCursor struct {
	c       *bolt.Cursor
	at, ids []byte // the key the cursor is on and its entry; nil: unknown, or past the end
}

// indexStep is how many keys seek steps over before it searches instead:
// an assertion has a dozen keys in the subject index.
const indexStep = 32

// Seek goes to the first key at or past target. A count of one key's
// entry leaves the cursor on the key after it (countUnder reads past the
// prefix to find its end), which is where the next check of a join in key
// order seeks: the cursor is already there.
func (ic *indexCursor) Seek(target []byte) (k, v []byte) {
	if ic.at != nil {
		switch bytes.Compare(target, ic.at) {
		case 0:
			return ic.at, ic.ids
		case 1:
			for range indexStep {
				if k, v = ic.Next(); k == nil || bytes.Compare(k, target) >= 0 {
					return k, v
				}
			}
		}
	}
	k, v = ic.c.Seek(target)
	ic.at, ic.ids = k, v
	return k, v
}

func (ic *indexCursor) Next() (k, v []byte) {
	k, v = ic.c.Next()
	ic.at, ic.ids = k, v
	return k, v
}

// nextID splits the first quad ID off an index entry's list.
func nextID(ids []byte) (uint64, []byte, error) {
	id, n := binary.Uvarint(ids)
	if n <= 0 {
		return 0, nil, errors.New("malformed quad ID list")
	}
	return id, ids[n:], nil
}

// skipIDs returns ids past the first n.
func skipIDs(ids []byte, n int) (_ []byte, err error) {
	for range n {
		if _, ids, err = nextID(ids); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

func (it *scanNext) fail(err error) bool {
	it.err = err
	it.buf = nil
	return false
}

func (it *scanNext) Close() error {
	it.done, it.buf = true, nil
	return it.err
}

func (it *scanNext) Result() cgraph.Ref {
	if it.prim == nil {
		return nil
	}
	return it.prim
}

func (it *scanNext) Err() error                       { return it.err }
func (it *scanNext) TagResults(map[string]cgraph.Ref) {}
func (it *scanNext) NextPath(context.Context) bool    { return false }
func (it *scanNext) String() string                   { return fmt.Sprintf("BoltScanNext(%s)", it.bucket) }

// scanContains checks a quad against the scan's fixed directions: the quad
// is in the scan exactly when they match, with no read.
type scanContains struct {
	s    *scan
	prim *proto.Primitive
}

func (it *scanContains) Contains(_ context.Context, v cgraph.Ref) bool {
	it.prim = nil
	p, ok := v.(*proto.Primitive)
	if !ok {
		return false
	}
	for i, id := range it.s.vals {
		if p.GetDirection(it.s.ind.Dirs[i]) != id {
			return false
		}
	}
	it.prim = p
	return true
}

func (it *scanContains) Result() cgraph.Ref {
	if it.prim == nil {
		return nil
	}
	return it.prim
}

func (it *scanContains) Err() error                       { return nil }
func (it *scanContains) Close() error                     { return nil }
func (it *scanContains) TagResults(map[string]cgraph.Ref) {}
func (it *scanContains) NextPath(context.Context) bool    { return false }
func (it *scanContains) String() string                   { return "BoltScanContains" }

// logBatch is how many log entries scanLog reads in one transaction: a
// writer waiting to grow the file waits for one batch, not the whole pass.
const logBatch = 1 << 16

// scanLog calls entry with each entry of the log in ID order, decoded, and
// flush, if set, after each batch of them, once the batch's transaction is
// closed: what flush does may open transactions of its own, where opening
// one inside another could wait forever on a writer waiting on the first.
// The pass is not a snapshot: writes between batches may or may not be
// seen, as with Cayley's own iterators.
func (r *boltReader) scanLog(ctx context.Context, entry func(*proto.Primitive) error, flush func() error) error {
	var from uint64 // the ID to read on from
	for {
		n, err := r.logEntries(&from, logBatch, entry)
		if err == nil && flush != nil {
			err = flush()
		}
		if err != nil || n < logBatch {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// logEntries calls entry with up to n log entries, decoded, in key order
// from the first whose ID is at least *from, in one read transaction; it
// moves *from past the last and returns how many it read. The primitive
// is reset for each entry, so entry may keep a copy (*p) but not p: a
// reset primitive decodes into value bytes of its own.
func (r *boltReader) logEntries(from *uint64, n int, entry func(p *proto.Primitive) error) (int, error) {
	t, err := r.begin(false)
	if err != nil {
		return 0, err
	}
	defer t.close()
	var p proto.Primitive
	c := t.log.Cursor()
	i := 0
	for k, v := c.Seek(binary.BigEndian.AppendUint64(nil, *from)); k != nil && i < n; k, v = c.Next() {
		if len(k) != 8 {
			return i, fmt.Errorf("log key %x: want an 8-byte ID", k)
		}
		p.Reset()
		if err := p.Unmarshal(v); err != nil {
			return i, fmt.Errorf("decode log entry %x: %w", k, err)
		}
		*from = binary.BigEndian.Uint64(k) + 1
		if err := entry(&p); err != nil {
			return i, err
		}
		i++
	}
	return i, nil
}

// logScan is one of the kv store's scans of its whole log: every node
// (g.V()), or every quad with a given predicate or label, which no index
// of the kv layout serves. Cayley's reads the log in batches of a hundred
// random gets; this one walks it in order with a cursor (g.V().Count() on a
// million quads: 2.4 s against 0.2 s; the four predicate scans that build
// the entity index for a name lookup: 11 s of CPU against 2). Its costs,
// name and membership check are Cayley's.
//
// It holds no func, so that it compares as Cayley compares shapes.
type logScan struct {
	cgraph.IteratorShape
	r    *boltReader
	node bool           // the live nodes, as their IDs; else quads:
	dir  quad.Direction // the live quads whose dir
	id   uint64         // is id
}

// logNodes is g.V() on Bolt, kvAll the kv store's.
func logNodes(kvAll cgraph.Iterator, r *boltReader) logScan {
	return logScan{IteratorShape: cgraph.AsShape(kvAll), r: r, node: true}
}

// logQuads is the quads whose d is id, kvScan being the kv store's scan of
// them.
func logQuads(kvScan cgraph.Iterator, r *boltReader, d quad.Direction, id uint64) logScan {
	return logScan{IteratorShape: cgraph.AsShape(kvScan), r: r, dir: d, id: id}
}

// keep reports whether a live entry is one of the scan's results.
func (s logScan) keep(p *proto.Primitive) bool {
	if s.node {
		return p.IsNode()
	}
	return !p.IsNode() && p.GetDirection(s.dir) == s.id
}

func (s logScan) Iterate() cgraph.Scanner { return &logNext{s: s, batch: 1} }

func (s logScan) Optimize(context.Context) (cgraph.IteratorShape, bool) { return s, false }

// logNext walks the log in ID order, in batches of entries (1, 2, 4 …
// logBatch: g.V().Limit(5) reads few), each in a transaction of its own
// closed before Next returns (see scanNext).
type logNext struct {
	s     logScan
	from  uint64 // the ID to read on from
	batch int
	buf   []*proto.Primitive
	cur   *proto.Primitive
	done  bool
	err   error
}

func (it *logNext) Next(ctx context.Context) bool {
	it.cur = nil
	for len(it.buf) == 0 {
		if it.done || it.err != nil {
			return false
		}
		if it.err = ctx.Err(); it.err != nil {
			return false
		}
		n, err := it.s.r.logEntries(&it.from, it.batch, func(p *proto.Primitive) error {
			if !p.Deleted && it.s.keep(p) {
				kept := *p
				it.buf = append(it.buf, &kept)
			}
			return nil
		})
		if it.err = err; err != nil {
			return false
		}
		it.done = n < it.batch
		it.batch = min(2*it.batch, logBatch)
	}
	it.cur, it.buf = it.buf[0], it.buf[1:]
	return true
}

func (it *logNext) Result() cgraph.Ref {
	switch {
	case it.cur == nil:
		return nil
	case it.s.node:
		return kv.Int64Value(it.cur.ID)
	}
	return it.cur
}

func (it *logNext) Err() error                       { return it.err }
func (it *logNext) Close() error                     { it.done, it.buf = true, nil; return it.err }
func (it *logNext) TagResults(map[string]cgraph.Ref) {}
func (it *logNext) NextPath(context.Context) bool    { return false }
func (it *logNext) String() string                   { return "BoltLogScan" }

// maxNames bounds the values eachQuad keeps named during its pass, so that
// a scan of any store holds little: a quad's predicate and label, and its
// subject for the ten-odd quads of an assertion, come again and again.
const maxNames = 1 << 16

// eachQuad calls fn with each live quad of the log, in ID order, stopping
// at fn's first error or when ctx is done. It uses the shared value cache
// but does not fill it: a pass over the whole store would only evict what
// queries use.
func (r *boltReader) eachQuad(ctx context.Context, fn func(quad.Quad) error) error {
	names := make(map[uint64]quad.Value, maxNames)
	var quads [][4]uint64
	return r.scanLog(ctx, func(p *proto.Primitive) error {
		if !p.Deleted && !p.IsNode() {
			quads = append(quads, [4]uint64{p.Subject, p.Predicate, p.Object, p.Label})
		}
		return nil
	}, func() error {
		rest := quads
		quads = quads[:0]
		// A part's values fit in names, whatever they are.
		for len(rest) > 0 {
			part := rest[:min(maxNames/4, len(rest))]
			rest = rest[len(part):]
			if err := r.name(part, names); err != nil {
				return err
			}
			for _, q := range part {
				if err := fn(quad.Quad{Subject: names[q[0]], Predicate: names[q[1]], Object: names[q[2]], Label: names[q[3]]}); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		return nil
	})
}

// name adds to names the values of the nodes of quads it lacks, first
// forgetting all it holds if they would not fit in maxNames.
func (r *boltReader) name(quads [][4]uint64, names map[uint64]quad.Value) error {
	missing := func() []uint64 {
		var miss []uint64
		for _, q := range quads {
			for _, id := range q {
				if _, ok := names[id]; !ok && id != 0 {
					miss = append(miss, id)
				}
			}
		}
		slices.Sort(miss)
		return slices.Compact(miss)
	}
	miss := missing()
	if len(names)+len(miss) > maxNames {
		clear(names)
		miss = missing()
	}
	vals, err := r.values(miss, false)
	if err != nil {
		return err
	}
	for i, id := range miss {
		names[id] = vals[i]
	}
	return nil
}

// countIndex counts the quad IDs under prefix in the index bucket, up to
// limit: the scan's size, with no quad read. Its cursor is the
// transaction's: a join that checks thousands of nodes in key order (each
// subject of a predicate's quads, say) steps from one to the next.
func (r *boltReader) countIndex(bucket, prefix []byte, limit int64) (int64, error) {
	t, c, err := r.cursor(false, bucket)
	if err != nil {
		return 0, err
	}
	defer t.close()
	if c == nil {
		return 0, nil
	}
	return countUnder(c, prefix, limit), nil
}

// countUnder counts the quad IDs in the entries under prefix, stopping at
// the first entry that reaches limit.
func countUnder(c *indexCursor, prefix []byte, limit int64) int64 {
	var n int64
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && n < limit; k, v = c.Next() {
		n += countIDs(v)
	}
	return n
}

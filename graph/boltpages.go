package graph

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"os"
	"slices"
)

// pageWriter writes a Bolt (boltdb/bolt v1.3.1) file page by page, for a
// rebuild (bolt_bulk.go): every bucket's keys arrive in order, so its
// B+tree is built bottom-up, leaves packed full and streamed to the file,
// with no page ever read back or split. Through Bolt's own Put the same
// load spent two thirds of its time searching the tree from its root for
// each key and growing nodes, and a third of the rest committing.
//
// The file is what Bolt itself would read and write on: two meta pages, an
// empty freelist, each bucket a tree of leaf and branch pages under the
// root bucket, a bucket small enough (a quarter of a page) held inline in
// its entry as Bolt does, a value larger than a page on overflow pages.
// Page structures are in the machine's byte order, as Bolt lays them.
type pageWriter struct {
	f     *os.File
	out   *bufio.Writer
	next  uint64              // the next page ID
	roots []leafElem          // the root bucket's entries, one per bucket
	seen  map[string]struct{} // buckets written
	cur   *treeBuilder        // the bucket being written: &builder, or nil
	// builder is reused from bucket to bucket: Cayley's layout has 131,072
	// value and reference buckets of a few keys each.
	builder treeBuilder
	name    []byte
}

// Bolt's layout (page.go, meta in db.go, bucket.go of boltdb/bolt v1.3.1).
const (
	boltPageSize     = 4096
	pageHeaderSize   = 16 // id uint64, flags uint16, count uint16, overflow uint32
	elemSize         = 16 // a leaf (flags, pos, ksize, vsize) or branch (pos, ksize, pgid) element
	bucketHeaderSize = 16 // root pgid, sequence
	branchPageFlag   = 0x01
	leafPageFlag     = 0x02
	metaPageFlag     = 0x04
	freelistPageFlag = 0x10
	bucketLeafFlag   = 0x01
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	maxInline        = boltPageSize / 4 // Bolt's maxInlineBucketSize
	firstDataPage    = 3                // after the two meta pages and the freelist
	freelistPage     = 2
)

var order = binary.NativeEndian

func newPageWriter(path string) (*pageWriter, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return nil, err
	}
	w := &pageWriter{f: f, next: firstDataPage, seen: map[string]struct{}{}}
	if _, err := f.Seek(firstDataPage*boltPageSize, 0); err != nil {
		f.Close()
		return nil, err
	}
	w.out = bufio.NewWriterSize(f, 1<<20)
	return w, nil
}

// put adds key and val to bucket. A bucket's keys come in ascending order
// and together: once another bucket is begun, it is finished.
func (w *pageWriter) put(bucket, key, val []byte) error {
	if w.cur == nil || !bytes.Equal(w.name, bucket) {
		if err := w.beginBucket(bucket); err != nil {
			return err
		}
	}
	return w.cur.add(leafElem{key: key, val: val})
}

// beginBucket finishes the bucket being written and starts bucket.
func (w *pageWriter) beginBucket(bucket []byte) error {
	if err := w.endBucket(); err != nil {
		return err
	}
	if _, ok := w.seen[string(bucket)]; ok {
		return fmt.Errorf("bucket %q written twice", bucket)
	}
	w.seen[string(bucket)] = struct{}{}
	w.name, w.cur = slices.Clone(bucket), w.builder.reset(w)
	return nil
}

// written reports whether bucket has been begun.
func (w *pageWriter) written(bucket []byte) bool {
	_, ok := w.seen[string(bucket)]
	return ok
}

func (w *pageWriter) endBucket() error {
	if w.cur == nil {
		return nil
	}
	val, err := w.cur.bucketValue()
	if err != nil {
		return err
	}
	w.roots = append(w.roots, leafElem{flags: bucketLeafFlag, key: w.name, val: val})
	w.cur, w.name = nil, nil
	return nil
}

// finish writes the root bucket, the freelist and the meta pages, syncs
// and closes the file.
func (w *pageWriter) finish() error {
	if err := w.endBucket(); err != nil {
		return err
	}
	slices.SortFunc(w.roots, func(a, b leafElem) int { return bytes.Compare(a.key, b.key) })
	root := w.builder.reset(w)
	for _, e := range w.roots {
		if err := root.add(e); err != nil {
			return err
		}
	}
	rootPage, err := root.tree()
	if err != nil {
		return err
	}
	if err := w.out.Flush(); err != nil {
		return err
	}
	head := make([]byte, firstDataPage*boltPageSize)
	for id := range uint64(2) {
		meta := head[id*boltPageSize:]
		putPageHeader(meta, id, metaPageFlag, 0, 0)
		m := meta[pageHeaderSize:]
		order.PutUint32(m[0:], boltMagic)
		order.PutUint32(m[4:], boltVersion)
		order.PutUint32(m[8:], boltPageSize)
		order.PutUint64(m[16:], rootPage) // root bucket: root page, sequence 0
		order.PutUint64(m[32:], freelistPage)
		order.PutUint64(m[40:], w.next) // the high water mark
		order.PutUint64(m[48:], id)     // txid
		h := fnv.New64a()
		h.Write(m[:56])
		order.PutUint64(m[56:], h.Sum64())
	}
	putPageHeader(head[freelistPage*boltPageSize:], freelistPage, freelistPageFlag, 0, 0)
	if _, err := w.f.WriteAt(head, 0); err != nil {
		return err
	}
	if err := w.f.Sync(); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return w.f.Close()
}

// abort closes the file without finishing it.
func (w *pageWriter) abort() { w.f.Close() }

// writePage writes one page (with its overflow) and returns its ID.
func (w *pageWriter) writePage(p []byte) (uint64, error) {
	pages := (len(p) + boltPageSize - 1) / boltPageSize
	id := w.next
	order.PutUint64(p[0:], id)
	order.PutUint32(p[12:], uint32(pages-1))
	if _, err := w.out.Write(p); err != nil {
		return 0, err
	}
	if pad := pages*boltPageSize - len(p); pad > 0 {
		if _, err := w.out.Write(make([]byte, pad)); err != nil {
			return 0, err
		}
	}
	w.next += uint64(pages)
	return id, nil
}

func putPageHeader(p []byte, id uint64, flags, count uint16, overflow uint32) {
	order.PutUint64(p[0:], id)
	order.PutUint16(p[8:], flags)
	order.PutUint16(p[10:], count)
	order.PutUint32(p[12:], overflow)
}

// leafElem is a key and its value, or a bucket's name and header.
type leafElem struct {
	flags    uint32
	key, val []byte
}

// branchRef is a written page: its first key and its ID.
type branchRef struct {
	key []byte
	id  uint64
}

// treeBuilder builds one bucket's tree: leaves as keys come, then the
// branch levels above them.
type treeBuilder struct {
	w      *pageWriter
	page   []leafElem  // the leaf being filled
	size   int         // its bytes: header, elements, keys and values
	last   []byte      // the last key added
	leaves []branchRef // the leaves written
	data   []byte      // keys and values of page, copied (callers reuse theirs)
}

// reset empties b for a new bucket of w, keeping its buffers: whatever an
// earlier bucket kept of them (its entry in the root, its leaves' first
// keys) was copied out.
func (b *treeBuilder) reset(w *pageWriter) *treeBuilder {
	*b = treeBuilder{w: w, size: pageHeaderSize, page: b.page[:0], data: b.data[:0], leaves: b.leaves[:0]}
	return b
}

func (b *treeBuilder) add(e leafElem) error {
	if (len(b.page) > 0 || len(b.leaves) > 0) && bytes.Compare(e.key, b.last) <= 0 {
		return fmt.Errorf("key %x after %x: keys out of order", e.key, b.last)
	}
	n := elemSize + len(e.key) + len(e.val)
	if len(b.page) > 0 && b.size+n > boltPageSize {
		if err := b.flush(); err != nil {
			return err
		}
	}
	if len(b.page) == 0 {
		b.data = b.data[:0]
	}
	// The caller reuses key and val: keep copies, in one buffer per page.
	start := len(b.data)
	b.data = append(append(b.data, e.key...), e.val...)
	e.key = b.data[start : start+len(e.key) : start+len(e.key)]
	e.val = b.data[start+len(e.key) : len(b.data) : len(b.data)]
	b.page = append(b.page, e)
	b.size += n
	b.last = e.key
	return nil
}

// flush writes the leaf being filled, which is empty only in an empty
// bucket too large to inline: the root bucket.
func (b *treeBuilder) flush() error {
	id, err := b.w.writePage(b.leafPage())
	if err != nil {
		return err
	}
	var first []byte
	if len(b.page) > 0 {
		first = slices.Clone(b.page[0].key)
	}
	b.leaves = append(b.leaves, branchRef{key: first, id: id})
	b.last = slices.Clone(b.last)
	b.page, b.size = b.page[:0], pageHeaderSize
	return nil
}

// leafPage lays out the leaf being filled; its ID is set when written.
func (b *treeBuilder) leafPage() []byte { return b.layLeaf(make([]byte, b.size)) }

// layLeaf lays out the leaf being filled in p, b.size bytes.
func (b *treeBuilder) layLeaf(p []byte) []byte {
	putPageHeader(p, 0, leafPageFlag, uint16(len(b.page)), 0)
	data := pageHeaderSize + elemSize*len(b.page)
	for i, e := range b.page {
		at := pageHeaderSize + elemSize*i
		order.PutUint32(p[at:], e.flags)
		order.PutUint32(p[at+4:], uint32(data-at))
		order.PutUint32(p[at+8:], uint32(len(e.key)))
		order.PutUint32(p[at+12:], uint32(len(e.val)))
		data += copy(p[data:], e.key)
		data += copy(p[data:], e.val)
	}
	return p
}

// bucketValue is the bucket's entry in its parent: the header, and the
// whole bucket after it when it is one leaf of at most maxInline bytes.
func (b *treeBuilder) bucketValue() ([]byte, error) {
	if len(b.leaves) == 0 && b.size <= maxInline {
		v := make([]byte, bucketHeaderSize+b.size)
		b.layLeaf(v[bucketHeaderSize:])
		return v, nil
	}
	root, err := b.tree()
	if err != nil {
		return nil, err
	}
	v := make([]byte, bucketHeaderSize)
	order.PutUint64(v, root)
	return v, nil
}

// tree writes what is left of the leaves and the branch pages over them,
// and returns the root page's ID.
func (b *treeBuilder) tree() (uint64, error) {
	if len(b.page) > 0 || len(b.leaves) == 0 {
		if err := b.flush(); err != nil {
			return 0, err
		}
	}
	level := b.leaves
	for len(level) > 1 {
		var up []branchRef
		for len(level) > 0 {
			n, size := 0, pageHeaderSize
			for n < len(level) && (n == 0 || size+elemSize+len(level[n].key) <= boltPageSize) {
				size += elemSize + len(level[n].key)
				n++
			}
			id, err := b.w.writePage(branchPage(level[:n], size))
			if err != nil {
				return 0, err
			}
			up = append(up, branchRef{key: level[0].key, id: id})
			level = level[n:]
		}
		level = up
	}
	return level[0].id, nil
}

func branchPage(refs []branchRef, size int) []byte {
	p := make([]byte, size)
	putPageHeader(p, 0, branchPageFlag, uint16(len(refs)), 0)
	data := pageHeaderSize + elemSize*len(refs)
	for i, r := range refs {
		at := pageHeaderSize + elemSize*i
		order.PutUint32(p[at:], uint32(data-at))
		order.PutUint32(p[at+4:], uint32(len(r.key)))
		order.PutUint64(p[at+8:], r.id)
		data += copy(p[data:], r.key)
	}
	return p
}

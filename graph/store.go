package graph

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/boltdb/bolt"
	"github.com/cayleygraph/cayley/clog"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	_ "github.com/cayleygraph/cayley/writer" // registers the "single" writer
	hkv "github.com/hidal-go/hidalgo/kv"
	hbolt "github.com/hidal-go/hidalgo/kv/bolt"
)

// Backend names a kind of store.
type Backend string

const (
	Memory    Backend = "memory"
	Bolt      Backend = "bolt"
	Postgres  Backend = "postgres"
	Cockroach Backend = "cockroach"
)

// boltBackend is Cayley's Bolt layout registered under our own name so that
// the file is opened with a lock timeout: Cayley's own "bolt" backend waits
// forever for a store that another process holds.
const boltBackend = "agencygraph-bolt"

// lockTimeout bounds how long Open waits for a Bolt file another process holds.
const lockTimeout = 500 * time.Millisecond

func init() {
	kv.Register(boltBackend, kv.Registration{NewFunc: openBolt, InitFunc: initBoltFile, IsPersistent: true})
	clog.SetLogger(quietLogger{})
}

// quietLogger is Cayley's standard logger minus the errors its SQL backend
// both logs and returns while it opens or initialises a database. Open
// returns them, and the command shows them once, with any password taken
// out of the address (Cayley's line prints the URL as given); the commonest,
// a database that already holds a store, Open expects and goes past.
type quietLogger struct{}

func (quietLogger) Infof(format string, args ...any)    { log.Printf(format, args...) }
func (quietLogger) Warningf(format string, args ...any) { log.Printf("WARN: "+format, args...) }
func (quietLogger) Fatalf(format string, args ...any)   { log.Fatalf("FATAL: "+format, args...) }
func (quietLogger) V(int) bool                          { return false }
func (quietLogger) SetV(int)                            {}

func (quietLogger) Errorf(format string, args ...any) {
	for _, returned := range []string{"Couldn't open database", "Cannot create", "Couldn't begin creation"} {
		if strings.HasPrefix(format, returned) {
			return
		}
	}
	log.Printf("ERROR: "+format, args...)
}

// Config says which store to open.
type Config struct {
	Backend Backend
	// Address is the Bolt file (or a directory holding Cayley's indexes.bolt)
	// or the database URL; empty for memory.
	Address string
	// ReadOnly says the caller will not write. A Bolt file is then opened
	// shared, so that any number of readers (queries, exports, read-only
	// servers) can use it at once while no writer holds it, and it must
	// already exist: reading a mistyped path should fail, not create an
	// empty store. Other backends ignore it.
	ReadOnly bool
	// OneQuery says the store serves one query and is closed: a command
	// that answers and exits. A Bolt store then keeps no decoded quads or
	// values for later queries, which will not come: filling those caches
	// took 7–8 % of a cold query's time for quads, and 5–25 % more for
	// values and their IDs (`conflicts` reads every assertion). Within the
	// query a Gizmo session names each node once itself; the IDs of values
	// the query looks up are still kept.
	OneQuery bool
}

// ParseDB turns a --db value into a Config: empty is memory, a postgres:// or
// postgresql:// URL is PostgreSQL, cockroach:// is CockroachDB, anything else
// a Bolt file path.
func ParseDB(db string) Config {
	switch {
	case db == "":
		return Config{Backend: Memory}
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
		return Config{Backend: Postgres, Address: db}
	case strings.HasPrefix(db, "cockroach://"):
		return Config{Backend: Cockroach, Address: "postgresql://" + strings.TrimPrefix(db, "cockroach://")}
	default:
		return Config{Backend: Bolt, Address: db}
	}
}

func (c Config) String() string {
	if c.Backend == Memory {
		return "memory"
	}
	return string(c.Backend) + " " + redact(c.Address)
}

// redact hides a password in a database URL.
func redact(addr string) string {
	i := strings.Index(addr, "://")
	at := strings.LastIndex(addr, "@")
	if i < 0 || at < i {
		return addr
	}
	cred := addr[i+3 : at]
	if c := strings.Index(cred, ":"); c >= 0 {
		return addr[:i+3] + cred[:c] + ":***" + addr[at:]
	}
	return addr
}

// Store is an open quad store. It is safe for concurrent readers; writes are
// serialised by the backend. On Bolt queries may run while a write does
// (TestStore_BoltQueriesDuringGrowingWrites); Cayley's memstore has no
// locks, so on a memory store the caller keeps reads and writes apart, as
// the server does.
type Store struct {
	cfg     Config
	qs      cgraph.QuadStore
	bolt    *boltReader    // reads the Bolt file under qs (plan.go, boltread.go); nil on other backends
	indexes []kv.QuadIndex // the Bolt store's indexes
	pg      *sql.DB        // PostgreSQL beside Cayley's handle, for loads and BatchReads; nil on other backends
	lookup  lookupCache
}

// cayleyBackend is the name Cayley registers the backend under; the memory
// backend is this package's own (memstore.go).
func (c Config) cayleyBackend() string {
	if c.Backend == Bolt {
		return boltBackend
	}
	return string(c.Backend)
}

// connAddress is the address the backend is opened with: Address, where a
// PostgreSQL URL that does not set lib/pq's binary_parameters gets
// binary_parameters=yes. A query with parameters is then one round trip to
// the server instead of two (prepare, then bind and execute), and Cayley's
// SQL store sends one such query for each node it counts or walks from:
// the 21,244 counts of the saved query sources on the generated 1M-quad
// graph went from 0.35 to 0.25 ms each. Parameters are then sent in binary,
// which for the hashes (bytea) Cayley sends is what the server stores.
func (c Config) connAddress() string {
	if c.Backend != Postgres {
		return c.Address
	}
	u, err := url.Parse(c.Address)
	if err != nil {
		return c.Address // lib/pq reports it
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return c.Address
	}
	q.Set("binary_parameters", "yes")
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens the store cfg names, creating a Bolt or SQL store on first use.
// A memory store starts empty.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	name, addr := cfg.cayleyBackend(), cfg.Address
	// A reader on PostgreSQL creates nothing: requireTables checks instead.
	pgReader := cfg.ReadOnly && cfg.Backend == Postgres
	switch cfg.Backend {
	case Memory, Bolt:
	case Postgres, Cockroach:
		if !cgraph.IsRegistered(name) {
			return nil, Errorf(EINVALID, "backend %s is not built into this binary", name)
		}
	default:
		return nil, Errorf(EINVALID, "unknown backend %q", name)
	}
	if cfg.Backend == Bolt && cfg.ReadOnly {
		if _, err := os.Stat(boltFile(addr)); errors.Is(err, os.ErrNotExist) {
			return nil, Errorf(ENOTFOUND, "no store at %s (agencygraph load --db %s FILE creates one)", addr, addr)
		}
	} else if cgraph.IsPersistent(name) && !pgReader {
		err := cgraph.InitQuadStore(name, cfg.connAddress(), nil)
		if err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return nil, storeError("init", cfg, err)
		}
	}
	s := &Store{cfg: cfg}
	if err := s.open(); err != nil {
		return nil, storeError("open", cfg, err)
	}
	if pgReader {
		if err := s.requireTables(ctx); err != nil {
			s.Close()
			return nil, err
		}
	}
	return s, nil
}

// requireTables fails with ENOTFOUND unless the database holds Cayley's
// tables. A reader on PostgreSQL does not create them, as a writer does
// (CockroachDB, untested here, keeps Cayley's way): reading a mistyped
// database should fail, not leave tables behind in it, and Cayley's
// creation (its own connection, and a transaction whose CREATE TABLE
// fails) took a tenth of a small query's time. One round trip, on the
// connection Cayley's store opened.
func (s *Store) requireTables(ctx context.Context) error {
	rows, err := s.BatchReads().query(ctx, `SELECT count(*) FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_name IN ('nodes', 'quads')`)
	if err != nil {
		return storeError("open", s.cfg, err)
	}
	defer rows.Close()
	var n int
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err == nil {
		err = rows.Err()
	}
	switch {
	case err != nil:
		return storeError("open", s.cfg, err)
	case n < 2:
		return Errorf(ENOTFOUND, "no store in %s: no nodes and quads tables this user can see (agencygraph load --db URL FILE creates one)", s.cfg)
	}
	return nil
}

// open opens the store s.cfg names into s.qs, and for Bolt keeps the
// file's reader in s.bolt.
func (s *Store) open() error {
	if s.cfg.Backend == Memory {
		s.qs, s.bolt, s.pg = newMemStore(), nil, nil
		return nil
	}
	var opts cgraph.Options
	var held kvHolder
	if s.cfg.Backend == Bolt {
		opts = cgraph.Options{kv.OptNoBloom: true, optHolder: &held, optReadOnly: s.cfg.ReadOnly}
	}
	qs, err := cgraph.NewQuadStore(s.cfg.cayleyBackend(), s.cfg.connAddress(), opts)
	if err != nil {
		return err
	}
	s.qs, s.bolt, s.pg = qs, nil, nil
	if s.cfg.Backend == Postgres {
		// Opens no connection until used.
		if s.pg, err = sql.Open("postgres", s.cfg.connAddress()); err != nil {
			qs.Close()
			return err
		}
	}
	if held.kv != nil {
		if s.indexes, err = indexes(held.kv); err != nil {
			qs.Close()
			return err
		}
		s.bolt = newBoltReader(held.kv, s.cfg)
		if err := s.bolt.readLive(); err != nil {
			qs.Close()
			return fmt.Errorf("read the store's mark of live quads: %w", err)
		}
	}
	return nil
}

// A Bolt store is opened with kv.OptNoBloom: the Bloom filter Cayley's kv
// store builds on open reads every quad in the store (most of a second per
// million) and takes some 100 MB whatever the store's size, all to speed up
// duplicate checks in writes through Cayley's writer; without it each write
// looks the quad up in the index instead, which is as correct. Large loads
// bypass that writer anyway (bolt_bulk.go), and opening fast is what lets a
// query answer from a cold start.

// optHolder is the option under which openBolt hands back the file it
// opened: Cayley's kv store keeps its handle unexported.
const optHolder = "agencygraph_kv_holder"

// optReadOnly asks openBolt for a shared, read-only handle.
const optReadOnly = "agencygraph_read_only"

type kvHolder struct{ kv *guardedKV }

func storeError(op string, cfg Config, err error) error {
	if errors.Is(err, bolt.ErrTimeout) {
		holder := "another process (agencygraph serve, or a query, still running on it?)"
		if cfg.ReadOnly {
			holder = "a process writing to it (agencygraph load, or serve --writable?)"
		}
		return &Error{Code: EBUSY, Err: err, Message: fmt.Sprintf("%s %s: store held by %s", op, cfg, holder)}
	}
	return fmt.Errorf("%s %s store: %w", op, cfg, err)
}

// reopen closes the Cayley store and opens it again, so that nothing it
// kept from before a load outlives it.
func (s *Store) reopen() error {
	s.Close()
	if err := s.open(); err != nil {
		return storeError("reopen", s.cfg, err)
	}
	return nil
}

// Close releases the store; a Bolt file is unlocked and synced.
func (s *Store) Close() error {
	if s.bolt != nil {
		s.bolt.release()
	}
	if s.pg != nil {
		s.pg.Close()
	}
	return s.qs.Close()
}

// Config returns what the store was opened with.
func (s *Store) Config() Config { return s.cfg }

// QuadStore returns the underlying Cayley store, for the query runner. On
// Bolt it reads through the store's caches and keeps what it reads there.
func (s *Store) QuadStore() cgraph.QuadStore { return s.quadStore(true) }

// ScanQuadStore is QuadStore for a reader that passes over much of the
// store once (a streamed export): it uses the caches but does not fill
// them, so its memory stays flat whatever the store's size.
func (s *Store) ScanQuadStore() cgraph.QuadStore { return s.quadStore(false) }

func (s *Store) quadStore(fill bool) cgraph.QuadStore {
	if kqs, ok := s.qs.(*kv.QuadStore); ok && s.bolt != nil {
		return &sizedStore{QuadStore: kqs, bolt: s.bolt, fill: fill, indexes: s.indexes}
	}
	return s.qs
}

// openBolt opens (creating if needed) the Bolt file at path, or Cayley's
// path/indexes.bolt when path is a directory, with a lock timeout.
func openBolt(path string, opts cgraph.Options) (hkv.KV, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "indexes.bolt")
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	readOnly, _ := opts.BoolKey(optReadOnly, false)
	db, err := hbolt.Open(path, &bolt.Options{Timeout: lockTimeout, ReadOnly: readOnly})
	if err != nil {
		return nil, err
	}
	g := &guardedKV{KV: db, bolt: db.DB()}
	if h, ok := opts[optHolder].(*kvHolder); ok {
		h.kv = g
	}
	return g, nil
}

// initBoltFile opens the Bolt file at path and makes it a new store with
// initBolt's indexes if it holds none. Cayley's kv.Init, which runs next,
// then finds the store there and leaves it.
func initBoltFile(path string, opts cgraph.Options) (hkv.KV, error) {
	db, err := openBolt(path, opts)
	if err != nil {
		return nil, err
	}
	if err := initBolt(db); err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
		db.Close()
		return nil, err
	}
	return db, nil
}

// errClosed is what reads of a closed Bolt store get.
var errClosed = errors.New("store is closed")

// guardedKV closes its Bolt file only once no transaction is open on it.
// Bolt v1.3.1's Close unmaps the file without waiting for readers, so a
// query still running when the store is closed (one that outlived its
// deadline, say) would fault on the unmapped memory and take the process
// down. Once Close has begun, new transactions fail with errClosed, so a
// reader that opens one transaction per step, as Cayley's does, stops.
type guardedKV struct {
	hkv.KV
	bolt   *bolt.DB       // the same file, for boltReader's own transactions
	open   sync.WaitGroup // transactions not yet finished
	mu     sync.Mutex     // orders Tx's check of closed against Close
	closed bool
}

func (g *guardedKV) Tx(rw bool) (hkv.Tx, error) {
	if err := g.acquire(); err != nil {
		return nil, err
	}
	tx, err := g.KV.Tx(rw)
	if err != nil {
		g.open.Done()
		return nil, err
	}
	return &guardedTx{Tx: tx, done: sync.OnceFunc(g.open.Done)}, nil
}

// begin opens a Bolt read transaction; call done after rolling it back.
func (g *guardedKV) begin() (tx *bolt.Tx, done func(), err error) {
	if err := g.acquire(); err != nil {
		return nil, nil, err
	}
	if tx, err = g.bolt.Begin(false); err != nil {
		g.open.Done()
		return nil, nil, err
	}
	return tx, sync.OnceFunc(g.open.Done), nil
}

// acquire counts a transaction about to open, unless Close has begun.
func (g *guardedKV) acquire() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.closed {
		return errClosed
	}
	g.open.Add(1)
	return nil
}

// closeWait bounds how long Close waits for open transactions.
const closeWait = 5 * time.Second

// Close waits for open transactions to finish, then closes the file. If a
// transaction stays open longer than closeWait (an iterator nobody closed),
// Close reports it and leaves the file to be closed when the last one
// finishes: a late close is better than a crash.
func (g *guardedKV) Close() error {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil
	}
	g.closed = true
	g.mu.Unlock()
	idle := make(chan struct{})
	go func() { g.open.Wait(); close(idle) }()
	select {
	case <-idle:
		return g.KV.Close()
	case <-time.After(closeWait):
		go func() { <-idle; g.KV.Close() }()
		return errors.New("close bolt store: transactions still open after " + closeWait.String())
	}
}

type guardedTx struct {
	hkv.Tx
	done func()
}

func (t *guardedTx) Commit(ctx context.Context) error {
	defer t.done()
	return t.Tx.Commit(ctx)
}

func (t *guardedTx) Close() error {
	defer t.done()
	return t.Tx.Close()
}

package graph

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/boltdb/bolt"
	cgraph "github.com/cayleygraph/cayley/graph"
	"github.com/cayleygraph/cayley/graph/kv"
	_ "github.com/cayleygraph/cayley/graph/memstore" // the embedded default
	_ "github.com/cayleygraph/cayley/writer"         // registers the "single" writer
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
	kv.Register(boltBackend, kv.Registration{NewFunc: openBolt, InitFunc: openBolt, IsPersistent: true})
}

// Config says which store to open.
type Config struct {
	Backend Backend
	// Address is the Bolt file (or a directory holding Cayley's indexes.bolt)
	// or the database URL; empty for memory.
	Address string
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
// serialised by the backend.
type Store struct {
	cfg Config
	qs  cgraph.QuadStore
}

// Open opens the store cfg names, creating a Bolt or SQL store on first use.
// A memory store starts empty.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	name, addr := string(cfg.Backend), cfg.Address
	switch cfg.Backend {
	case Memory:
		name = "memstore"
	case Bolt:
		name = boltBackend
	case Postgres, Cockroach:
		if !cgraph.IsRegistered(name) {
			return nil, Errorf(EINVALID, "backend %s is not built into this binary", name)
		}
	default:
		return nil, Errorf(EINVALID, "unknown backend %q", name)
	}
	if cgraph.IsPersistent(name) {
		err := cgraph.InitQuadStore(name, addr, nil)
		if err != nil && !errors.Is(err, cgraph.ErrDatabaseExists) {
			return nil, storeError("init", cfg, err)
		}
	}
	qs, err := cgraph.NewQuadStore(name, addr, nil)
	if err != nil {
		return nil, storeError("open", cfg, err)
	}
	return &Store{cfg: cfg, qs: qs}, nil
}

func storeError(op string, cfg Config, err error) error {
	if errors.Is(err, bolt.ErrTimeout) {
		return &Error{Code: EBUSY, Err: err, Message: fmt.Sprintf(
			"%s %s: store in use by another process (is `agencygraph serve` running on it?)", op, cfg)}
	}
	return fmt.Errorf("%s %s store: %w", op, cfg, err)
}

// Close releases the store; a Bolt file is unlocked and synced.
func (s *Store) Close() error { return s.qs.Close() }

// Config returns what the store was opened with.
func (s *Store) Config() Config { return s.cfg }

// QuadStore returns the underlying Cayley store, for the query runner.
func (s *Store) QuadStore() cgraph.QuadStore { return s.qs }

// openBolt opens (creating if needed) the Bolt file at path, or Cayley's
// path/indexes.bolt when path is a directory, with a lock timeout.
func openBolt(path string, _ cgraph.Options) (hkv.KV, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, "indexes.bolt")
	} else if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, err
		}
	}
	db, err := hbolt.Open(path, &bolt.Options{Timeout: lockTimeout})
	if err != nil {
		return nil, err
	}
	return db, nil
}

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cayleygraph/quad"
	cnquads "github.com/cayleygraph/quad/nquads"

	"github.com/agencygraph/agencygraph/graph/nquads"
)

// dataset is one input file and the questions asked of it.
type dataset struct {
	name, path string
	queries    queries
	saved      []savedQuery // for cold start and over HTTP on our servers; none for foreign data
}

// savedQuery is a saved query as the CLI and as the HTTP API ask it.
type savedQuery struct {
	cli  string // name and arguments: "hierarchy ICE"
	http string // path and parameters under /api/v1/saved/: "hierarchy?entity=ICE"
}

// generatedSaved are the saved queries timed on generated graphs, where
// ICE is a hub.
var generatedSaved = []savedQuery{
	{"entity ICE", "entity?entity=ICE"},
	{"leaders ICE", "leaders?entity=ICE"},
	{"hierarchy ICE", "hierarchy?entity=ICE"},
	{"assists ICE", "assists?agency=ICE"},
	{"personnel-flows ICE", "personnel-flows?agency=ICE"},
	{"path ICE IRS", "path?from=ICE&to=IRS"},
	{"conflicts", "conflicts"},
}

// queries are Gizmo texts both tools run verbatim, and the 3-hop question
// in SPARQL for the peers (peers.go): over the IRIs as absolutize rewrites
// them, without a LIMIT; empty where no peer is asked.
type queries struct{ threeHop, oneHop, sparql string }

// movieQueries are the issue's: Larry Fine's films' names, and his
// performances.
var movieQueries = queries{
	threeHop: `g.V("</en/larry_fine_1902>").In("</film/performance/actor>").In("</film/film/starring>").Out("<name>").All()`,
	oneHop:   `g.V("</en/larry_fine_1902>").In("</film/performance/actor>").All()`,
	sparql: `SELECT ?name WHERE { ?perf <http://example.org/film/performance/actor> <http://example.org/en/larry_fine_1902> . ` +
		`?film <http://example.org/film/film/starring> ?perf . ?film <http://example.org/name> ?name }`,
}

// generatedQueries ask the same shapes of a generated graph: the names of
// ICE's units' units, and who assists ICE.
var generatedQueries = queries{
	threeHop: `g.V("<ICE>").In("<http://www.w3.org/ns/org#subOrganizationOf>").In("<http://www.w3.org/ns/org#subOrganizationOf>").Out("<http://schema.org/name>").All()`,
	oneHop:   `g.V("<ICE>").In("<assists>").All()`,
}

// proc is how one finished process ran.
type proc struct {
	wall time.Duration
	rss  int64 // peak resident set, bytes
}

// timeCmd runs a command to the end, discarding its output.
func timeCmd(ctx context.Context, name string, args ...string) (proc, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	var stderr bytes.Buffer
	// A pipe, as a script reading the answer would have; /dev/null is a
	// character device, which agencygraph takes for a terminal.
	cmd.Stdout = io.Discard
	cmd.Stderr = &stderr
	start := time.Now()
	err := cmd.Run()
	p := proc{wall: time.Since(start)}
	if err != nil {
		return p, fmt.Errorf("%s %s: %w: %s", filepath.Base(name), args[0], err, lastLine(stderr.String()))
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.rss = ru.Maxrss * 1024 // kilobytes on Linux
	}
	return p, nil
}

// lastLine is the last non-empty line of a command's error output: its
// message, after any progress or log lines.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// timeRuns runs a command n times, each after prepare, and returns the run
// with the median wall time and the largest peak RSS of all.
func timeRuns(ctx context.Context, n int, prepare func() error, name string, args ...string) (proc, error) {
	var runs []proc
	var rss int64
	for range n {
		if prepare != nil {
			if err := prepare(); err != nil {
				return proc{}, err
			}
		}
		p, err := timeCmd(ctx, name, args...)
		if err != nil {
			return p, err
		}
		runs = append(runs, p)
		rss = max(rss, p.rss)
	}
	slices.SortFunc(runs, func(a, b proc) int { return int(a.wall - b.wall) })
	m := runs[len(runs)/2]
	m.rss = rss
	return m, nil
}

// result holds one dataset's figures.
type result struct {
	ds    dataset
	quads int
	bytes int

	parseOurs, parseCayley time.Duration

	boltOurs, boltCayley proc
	memOurs, memCayley   proc

	coldOurs, coldCayley proc
	coldSaved            []coldQuery

	latency []serverLatency
	peers   []peer // nil when peers were not asked
}

// coldQuery is a saved query run in a new process on the Bolt store.
type coldQuery struct {
	query string // name and arguments
	proc  proc
	err   string // why it failed, if it did
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

type serverLatency struct {
	name               string
	three, one         stats
	throughput         float64 // 3-hop requests per second, 4 clients
	rss                int64   // VmHWM after loading and querying
	answers3, answers1 int
	loadedIn           time.Duration // start to first answer
	load               time.Duration // the file into the store it serves (writePeers says how each is timed)
	ours, memory       bool
	saved              []savedLatency // in the order of the dataset's saved queries; ours only
	err                string         // why a query failed, if one did
}

type stats struct {
	n        int
	p50, p99 time.Duration
}

func measure(ctx context.Context, cfg config, t tools, ds dataset) (*result, error) {
	r := &result{ds: ds}
	dir := filepath.Join(cfg.work, strings.ReplaceAll(ds.name, " ", "-"))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}

	log.Printf("%s: parsing", ds.name)
	if err := r.measureParse(ds.path); err != nil {
		return nil, err
	}

	log.Printf("%s: loading into Bolt (agencygraph ×%d)", ds.name, cfg.loads)
	ourStore := filepath.Join(dir, "agencygraph.bolt")
	var err error
	r.boltOurs, err = timeRuns(ctx, cfg.loads, func() error { return removeAll(ourStore) },
		t.ours, "load", "-q", "--db", ourStore, ds.path)
	if err != nil {
		return nil, err
	}
	log.Printf("%s: loading into Bolt (cayley, once)", ds.name)
	cayleyStore := filepath.Join(dir, "cayley-bolt")
	r.boltCayley, err = timeRuns(ctx, 1, func() error {
		if err := removeAll(cayleyStore); err != nil {
			return err
		}
		return os.MkdirAll(cayleyStore, 0o755)
	}, t.cayley, "load", "--init", "-d", "bolt", "-a", cayleyStore, "-i", ds.path)
	if err != nil {
		return nil, err
	}
	log.Printf("%s: loading into memory", ds.name)
	if r.memOurs, err = timeRuns(ctx, cfg.loads, nil, t.ours, "load", "-q", ds.path); err != nil {
		return nil, err
	}
	if r.memCayley, err = timeRuns(ctx, 1, nil, t.cayley, "load", "-d", "memstore", "-i", ds.path); err != nil {
		return nil, err
	}

	// The one-hop query, so that the figure is start-up and opening the
	// store, not the walk (the latency table has the walk).
	log.Printf("%s: cold starts", ds.name)
	q := ds.queries.oneHop
	if r.coldOurs, err = timeRuns(ctx, 5, nil, t.ours, "gizmo", "--db", ourStore, q); err != nil {
		return nil, err
	}
	if r.coldCayley, err = timeRuns(ctx, 5, nil, t.cayley, "query", "-d", "bolt", "-a", cayleyStore, q); err != nil {
		return nil, err
	}
	for _, sq := range ds.saved {
		args := append([]string{"query", "--db", ourStore, "--timeout", queryLimit.String()}, strings.Fields(sq.cli)...)
		c := coldQuery{query: sq.cli}
		if c.proc, err = timeRuns(ctx, 5, nil, t.ours, args...); err != nil {
			c.err = firstLine(err.Error())
			log.Printf("%s: %v", ds.name, err)
		}
		r.coldSaved = append(r.coldSaved, c)
	}

	// limits are our servers' guards, raised for measuring. At its
	// default (the heap may grow by 1 GiB while queries run) `conflicts` on
	// 10M quads is stopped on the Bolt server, where it grows the heap by
	// about 2 GB, and not on the memory servers, whose guard counts from
	// their multi-gigabyte store; and on a busy machine it can pass the
	// default 30 s deadline. This measures speed, so all three get the same
	// larger budget and deadline (queryLimit).
	limits := []string{"--max-query-memory", strconv.Itoa(8 << 30), "--query-timeout", queryLimit.String()}
	servers := []struct {
		name         string
		ours, memory bool
		load         proc // what put the file into the store it serves
		args         func(addr string) (string, []string)
	}{
		{"agencygraph serve, Bolt", true, false, r.boltOurs, func(a string) (string, []string) {
			return t.ours, append([]string{"serve", "--db", ourStore, "--addr", a}, limits...)
		}},
		{"agencygraph serve --load, memory", true, true, r.memOurs, func(a string) (string, []string) {
			return t.ours, append([]string{"serve", "--load", ds.path, "--addr", a}, limits...)
		}},
		{"agencygraph serve --preload, Bolt copied to memory", true, true, r.boltOurs, func(a string) (string, []string) {
			return t.ours, append([]string{"serve", "--db", ourStore, "--preload", "--addr", a}, limits...)
		}},
		{"cayley http, memstore", false, true, r.memCayley, func(a string) (string, []string) {
			return t.cayley, []string{"http", "-d", "memstore", "-i", ds.path, "--host", a}
		}},
		{"cayley http, Bolt", false, false, r.boltCayley, func(a string) (string, []string) {
			return t.cayley, []string{"http", "-d", "bolt", "-a", cayleyStore, "--host", a}
		}},
	}
	for _, s := range servers {
		log.Printf("%s: latency, %s", ds.name, s.name)
		var saved []savedQuery
		if s.ours {
			saved = ds.saved
		}
		sl, err := measureServer(ctx, cfg, ds, saved, s.args)
		if err != nil {
			sl.err = firstLine(err.Error())
			log.Printf("%s: %s: %v", ds.name, s.name, err)
		}
		sl.name, sl.ours, sl.memory, sl.load = s.name, s.ours, s.memory, s.load.wall
		r.latency = append(r.latency, sl)
	}
	if cfg.peers && ds.queries.sparql != "" {
		r.peers = measurePeers(ctx, cfg, ds, dir)
	}
	return r, nil
}

func removeAll(p string) error {
	if err := os.RemoveAll(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// measureParse times agencygraph's strict reader and Cayley's N-Quads
// reader over the decompressed file held in memory, best of three each.
func (r *result) measureParse(path string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if strings.HasSuffix(path, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return err
		}
		if raw, err = io.ReadAll(zr); err != nil {
			return err
		}
	}
	r.bytes = len(raw)
	best := func(parse func() (int, error)) (time.Duration, int, error) {
		var b time.Duration
		var n int
		for range 3 {
			start := time.Now()
			c, err := parse()
			if err != nil {
				return 0, 0, err
			}
			if d := time.Since(start); b == 0 || d < b {
				b = d
			}
			n = c
		}
		return b, n, nil
	}
	var nOurs, nCayley int
	r.parseOurs, nOurs, err = best(func() (int, error) {
		return countQuads(nquads.NewReader(bytes.NewReader(raw), path, nquads.Options{}))
	})
	if err != nil {
		return fmt.Errorf("agencygraph reader: %w", err)
	}
	r.parseCayley, nCayley, err = best(func() (int, error) {
		return countQuads(cnquads.NewReader(bytes.NewReader(raw), false))
	})
	if err != nil {
		return fmt.Errorf("cayley reader: %w", err)
	}
	if nOurs != nCayley {
		return fmt.Errorf("the readers disagree: agencygraph read %d quads, cayley %d", nOurs, nCayley)
	}
	r.quads = nOurs
	return nil
}

// countQuads reads r to the end and counts its quads.
func countQuads(r quad.Reader) (int, error) {
	n := 0
	for {
		_, err := r.ReadQuad()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

// freeAddr returns a loopback address nothing listens on now.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// measureServer starts a server, waits until it answers, then times the
// two queries one at a time and the three-hop query from four clients.
func measureServer(ctx context.Context, cfg config, ds dataset, saved []savedQuery, command func(addr string) (string, []string)) (serverLatency, error) {
	var sl serverLatency
	addr, err := freeAddr()
	if err != nil {
		return sl, err
	}
	name, args := command(addr)
	d, err := startDaemon(ctx, "", name, args...)
	if err != nil {
		return sl, err
	}
	defer d.stop(nil)
	url := "http://" + addr + "/api/v1/query/gizmo"
	client := &http.Client{Timeout: 5 * time.Minute}
	ready := func() error {
		_, err := ask(client, url, `g.V().Limit(1).All()`)
		return err
	}
	if err := d.waitReady(ready, 5*time.Minute); err != nil {
		return sl, err
	}
	sl.loadedIn = time.Since(d.start)
	budget := cfg.slowBudget
	if sl.answers3, sl.three, err = latency(ask, client, url, ds.queries.threeHop, cfg.requests, budget); err != nil {
		return sl, err
	}
	if sl.answers1, sl.one, err = latency(ask, client, url, ds.queries.oneHop, cfg.requests, budget); err != nil {
		return sl, err
	}
	sl.throughput = throughput(ask, client, url, ds.queries.threeHop, 4, 3*time.Second)
	for _, sq := range saved {
		sl.saved = append(sl.saved, measureSaved(cfg, client, "http://"+addr+"/api/v1/saved/"+sq.http))
	}
	sl.rss = peakRSS(d.cmd.Process.Pid)
	return sl, nil
}

// savedLatency is one saved query over HTTP on one server.
type savedLatency struct {
	stats
	body string // SHA-256 of the answer, to compare servers
	err  string
}

// queryLimit is the deadline our servers and cold queries get here, in
// place of their 30 s default: a slow answer is measured, not reported
// as a failure. It stays under the HTTP client's five minutes.
const queryLimit = 4 * time.Minute

// savedRequests bounds the timed requests per saved query: some take a
// second or more on a large graph.
const savedRequests = 20

func measureSaved(cfg config, client *http.Client, url string) savedLatency {
	body, err := getSaved(client, url)
	if err != nil {
		return savedLatency{err: firstLine(err.Error())}
	}
	sum := sha256.Sum256(body)
	_, st, err := latency(func(c *http.Client, u, _ string) (int, error) {
		_, err := getSaved(c, u)
		return 0, err
	}, client, url, "", min(cfg.requests, savedRequests), cfg.slowBudget)
	if err != nil {
		return savedLatency{err: firstLine(err.Error())}
	}
	return savedLatency{stats: st, body: hex.EncodeToString(sum[:])}
}

// getSaved GETs a saved query's answer, which must be 200.
func getSaved(client *http.Client, url string) ([]byte, error) {
	resp, err := client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %s: %s", resp.Status, b)
	}
	return b, err
}

// asker sends query q to a server at url and returns how many answers
// came back: [ask] for Gizmo, [askSPARQL] for the peers.
type asker func(client *http.Client, url, q string) (int, error)

// ask posts a Gizmo query and returns how many results came back.
func ask(client *http.Client, url, q string) (int, error) {
	resp, err := client.Post(url, "text/plain", strings.NewReader(q))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var body struct {
		Result []json.RawMessage `json:"result"`
		Error  string            `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return 0, fmt.Errorf("status %s: %w", resp.Status, err)
	}
	if resp.StatusCode != http.StatusOK || body.Error != "" {
		return 0, fmt.Errorf("status %s: %s", resp.Status, body.Error)
	}
	return len(body.Result), nil
}

// latency asks q up to n times one after another (after two untimed
// warm-ups), stopping early once budget is spent.
func latency(ask asker, client *http.Client, url, q string, n int, budget time.Duration) (int, stats, error) {
	var answers int
	for range 2 {
		a, err := ask(client, url, q)
		if err != nil {
			return 0, stats{}, err
		}
		answers = a
	}
	var ds []time.Duration
	start := time.Now()
	for len(ds) < n && (len(ds) < 3 || time.Since(start) < budget) {
		t := time.Now()
		if _, err := ask(client, url, q); err != nil {
			return 0, stats{}, err
		}
		ds = append(ds, time.Since(t))
	}
	return answers, summarize(ds), nil
}

// summarize sorts timings (at least one) and picks their p50 and p99.
func summarize(ds []time.Duration) stats {
	slices.Sort(ds)
	return stats{n: len(ds), p50: ds[len(ds)/2], p99: ds[min(len(ds)-1, len(ds)*99/100)]}
}

// throughput counts the answers clients concurrent askers get in d.
func throughput(ask asker, client *http.Client, url, q string, clients int, d time.Duration) float64 {
	var mu sync.Mutex
	done := 0
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, err := ask(client, url, q); err != nil {
					return
				}
				mu.Lock()
				done++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return float64(done) / time.Since(start).Seconds()
}

// peakRSS reads a running process's peak resident set from /proc.
func peakRSS(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

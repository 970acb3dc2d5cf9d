package main

// The peers are what an RDF-minded user would pick instead of agencygraph:
// Oxigraph (npm, under Node) and Virtuoso (Debian's package). They are run
// as processes, so the module gains no dependency, and they answer the
// movie data's 3-hop question in SPARQL. Neither takes Cayley's relative
// IRIs, so they read a copy of the file with every IRI made absolute.

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// peerBase is what relative IRIs are resolved against for the peers; the
// SPARQL in movieQueries is written over it.
const peerBase = "http://example.org/"

// answerCap is Cayley's default answer limit, which both Gizmo servers
// apply; the peers' timed question carries it as a LIMIT.
const answerCap = 100

// oxigraphScript loads a file into an Oxigraph store and either times the
// question in-process or serves SPARQL over HTTP.
//
//go:embed oxigraph.mjs
var oxigraphScript []byte

// peer is one row of the peers table: a server's figures, and what only a
// peer reports.
type peer struct {
	serverLatency
	triples    int  // what the store holds after loading
	answersAll int  // rows without the LIMIT
	inProcess  bool // asked in its own process: one caller, no HTTP
}

// measurePeers asks each peer the 3-hop question of ds. A peer that cannot
// be installed, started or asked gets a row saying why; the run goes on.
func measurePeers(ctx context.Context, cfg config, ds dataset, dir string) []peer {
	oxIn := peer{serverLatency: serverLatency{name: "Oxigraph, in-process (Node)"}, inProcess: true}
	oxHTTP := peer{serverLatency: serverLatency{name: "Oxigraph, HTTP wrapper (Node)"}}
	virt := peer{serverLatency: serverLatency{name: "Virtuoso, SPARQL endpoint"}}
	data := filepath.Join(dir, "peers", "movies.nq")
	log.Printf("%s: peers: rewriting IRIs against %s", ds.name, peerBase)
	if err := absolutizeFile(ds.path, data); err != nil {
		err = fmt.Errorf("rewrite %s: %w", ds.path, err)
		return []peer{failed(oxIn, err), failed(oxHTTP, err), failed(virt, err)}
	}
	work := filepath.Dir(data)
	log.Printf("%s: peers: Oxigraph", ds.name)
	if version, err := installOxigraph(ctx, filepath.Join(work, "oxigraph")); err != nil {
		oxIn, oxHTTP = failed(oxIn, err), failed(oxHTTP, err)
	} else {
		oxIn.name = fmt.Sprintf("Oxigraph %s, in-process (Node %s)", version, nodeVersion())
		oxHTTP.name = fmt.Sprintf("Oxigraph %s, HTTP wrapper (Node %s)", version, nodeVersion())
		oxIn = try(oxIn, func(p *peer) error { return oxigraphInProcess(ctx, cfg, work, data, ds.queries.sparql, p) })
		oxHTTP = try(oxHTTP, func(p *peer) error { return oxigraphHTTP(ctx, cfg, work, data, ds.queries.sparql, p) })
	}
	log.Printf("%s: peers: Virtuoso", ds.name)
	virt = try(virt, func(p *peer) error { return measureVirtuoso(ctx, cfg, work, data, ds.queries.sparql, p) })
	return []peer{oxIn, oxHTTP, virt}
}

// try fills p with measure, turning its error into the row's reason.
func try(p peer, measure func(*peer) error) peer {
	if err := measure(&p); err != nil {
		return failed(p, err)
	}
	return p
}

func failed(p peer, err error) peer {
	log.Printf("peers: %s: %v", p.name, err)
	p.err = firstLine(err.Error())
	return p
}

// nodeVersion is Node's version, as it prints it.
func nodeVersion() string {
	out, err := exec.Command("node", "--version").Output()
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(string(out))
}

// absolutizeFile writes src (gzipped or not) to dst with every IRI made
// absolute, line by line.
func absolutizeFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	var r io.Reader = in
	if strings.HasSuffix(src, ".gz") {
		zr, err := gzip.NewReader(in)
		if err != nil {
			return err
		}
		r = zr
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(out)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 16<<20)
	for sc.Scan() {
		w.WriteString(absolutize(sc.Text(), peerBase))
		w.WriteByte('\n')
	}
	if err := sc.Err(); err != nil {
		out.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// absolutize resolves the relative IRIs of one N-Quads line against base,
// which ends in a slash: </x> and <x> both become <base x>. Absolute IRIs,
// literals (with their escapes), blank nodes and comments are left as they
// are. Cayley writes paths like </film/film/starring> and bare words like
// <name>; RDF stores reject both.
func absolutize(line, base string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		switch line[i] {
		case '"':
			end := literalEnd(line, i)
			b.WriteString(line[i:end])
			i = end
		case '<':
			n := strings.IndexByte(line[i:], '>')
			if n < 0 {
				b.WriteString(line[i:])
				return b.String()
			}
			iri := line[i+1 : i+n]
			if !hasScheme(iri) {
				iri = base + strings.TrimPrefix(iri, "/")
			}
			b.WriteString("<" + iri + ">")
			i += n + 1
		case '#':
			b.WriteString(line[i:])
			return b.String()
		default:
			b.WriteByte(line[i])
			i++
		}
	}
	return b.String()
}

// literalEnd returns the index just past the quote that closes the literal
// opening at line[start], or len(line) if none does.
func literalEnd(line string, start int) int {
	for i := start + 1; i < len(line); i++ {
		switch line[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(line)
}

var scheme = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9+.-]*:`)

// hasScheme reports whether iri is absolute (RFC 3986: it has a scheme).
func hasScheme(iri string) bool { return scheme.MatchString(iri) }

// capped is q as the peers are timed on it: with Cayley's answer cap.
func capped(q string) string { return fmt.Sprintf("%s LIMIT %d", q, answerCap) }

// sparqlRows posts a SPARQL query as a form, as the SPARQL protocol allows
// every endpoint, and returns its JSON result rows.
func sparqlRows(client *http.Client, endpoint, q string) ([]map[string]struct{ Value string }, error) {
	req, err := http.NewRequest(http.MethodPost, endpoint, strings.NewReader(url.Values{"query": {q}}.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/sparql-results+json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 500))
		return nil, fmt.Errorf("status %s: %s", resp.Status, firstLine(string(b)))
	}
	var body struct {
		Results struct {
			Bindings []map[string]struct{ Value string } `json:"bindings"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return nil, fmt.Errorf("status %s: %w", resp.Status, err)
	}
	return body.Results.Bindings, nil
}

// askSPARQL is the [asker] for SPARQL endpoints.
func askSPARQL(client *http.Client, endpoint, q string) (int, error) {
	rows, err := sparqlRows(client, endpoint, q)
	return len(rows), err
}

// countTriples asks an endpoint how many triples it holds, in graph if one
// is named (Virtuoso's default graph also holds its own system triples).
func countTriples(client *http.Client, endpoint, graph string) (int, error) {
	from := ""
	if graph != "" {
		from = "FROM <" + graph + "> "
	}
	rows, err := sparqlRows(client, endpoint, "SELECT (COUNT(*) AS ?n) "+from+"WHERE { ?s ?p ?o }")
	if err != nil {
		return 0, err
	}
	if len(rows) != 1 {
		return 0, fmt.Errorf("count: %d rows", len(rows))
	}
	return strconv.Atoi(rows[0]["n"].Value)
}

// timeSPARQL times q at a ready endpoint as measureServer times Gizmo:
// one at a time, then four clients; and counts the uncapped answers.
func timeSPARQL(cfg config, endpoint, q string, p *peer) error {
	client := &http.Client{Timeout: time.Minute}
	var err error
	if p.answers3, p.three, err = latency(askSPARQL, client, endpoint, capped(q), cfg.requests, cfg.slowBudget); err != nil {
		return fmt.Errorf("3-hop: %w", err)
	}
	if p.answersAll, err = askSPARQL(client, endpoint, q); err != nil {
		return fmt.Errorf("3-hop without LIMIT: %w", err)
	}
	p.throughput = throughput(askSPARQL, client, endpoint, capped(q), 4, 3*time.Second)
	return nil
}

// installOxigraph installs the npm package into dir (never into the
// repository) with the script beside it, and returns the package's version.
func installOxigraph(ctx context.Context, dir string) (string, error) {
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			return "", err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// A package.json of its own keeps npm from installing into a parent's.
	if err := os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"private": true}`+"\n"), 0o644); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--loglevel=error", "oxigraph")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("npm install oxigraph: %w: %s", err, lastLine(string(b)))
	}
	if err := os.WriteFile(filepath.Join(dir, "oxigraph.mjs"), oxigraphScript, 0o644); err != nil {
		return "", err
	}
	b, err := os.ReadFile(filepath.Join(dir, "node_modules", "oxigraph", "package.json"))
	if err != nil {
		return "", err
	}
	var pkg struct{ Version string }
	if err := json.Unmarshal(b, &pkg); err != nil {
		return "", fmt.Errorf("oxigraph's package.json: %w", err)
	}
	return pkg.Version, nil
}

// oxigraphStats is what oxigraph.mjs reports of its store: times in
// milliseconds, ready counted from the process's start.
type oxigraphStats struct {
	LoadMS, ReadyMS float64
	Triples         int
}

// oxigraphInProcess times the question inside node, where a program that
// embeds Oxigraph would ask it: no HTTP, no JSON, one caller.
func oxigraphInProcess(ctx context.Context, cfg config, work, data, q string, p *peer) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	script := filepath.Join(work, "oxigraph", "oxigraph.mjs")
	out, err := runCmd(ctx, "node", script, "inprocess", data, strconv.Itoa(cfg.requests),
		strconv.FormatInt(cfg.slowBudget.Milliseconds(), 10), capped(q), q)
	if err != nil {
		return err
	}
	var res struct {
		oxigraphStats
		Answers, AnswersAll int
		SamplesNS           []int64
		PeakRSS             int64
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		return fmt.Errorf("oxigraph.mjs output: %w", err)
	}
	if len(res.SamplesNS) == 0 {
		return fmt.Errorf("oxigraph.mjs timed no query")
	}
	ds := make([]time.Duration, len(res.SamplesNS))
	var sum time.Duration
	for i, ns := range res.SamplesNS {
		ds[i] = time.Duration(ns)
		sum += ds[i]
	}
	p.load, p.loadedIn, p.triples = millis(res.LoadMS), millis(res.ReadyMS), res.Triples
	p.answers3, p.answersAll, p.rss = res.Answers, res.AnswersAll, res.PeakRSS
	p.three = summarize(ds)
	p.throughput = float64(len(ds)) / sum.Seconds()
	return nil
}

func millis(ms float64) time.Duration { return time.Duration(ms * float64(time.Millisecond)) }

// oxigraphHTTP starts oxigraph.mjs's SPARQL server and times it as the
// Gizmo servers are timed.
func oxigraphHTTP(ctx context.Context, cfg config, work, data, q string, p *peer) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	statsFile := filepath.Join(work, "oxigraph", "serve.json")
	d, err := startDaemon(ctx, work, "node", filepath.Join(work, "oxigraph", "oxigraph.mjs"), "serve", data, addr, statsFile)
	if err != nil {
		return err
	}
	defer d.stop(nil)
	endpoint := "http://" + addr + "/sparql"
	client := &http.Client{Timeout: time.Minute}
	if err := d.waitReady(func() error { _, err := askSPARQL(client, endpoint, capped(q)); return err }, 5*time.Minute); err != nil {
		return err
	}
	p.loadedIn = time.Since(d.start)
	b, err := os.ReadFile(statsFile)
	if err != nil {
		return err
	}
	var st oxigraphStats
	if err := json.Unmarshal(b, &st); err != nil {
		return fmt.Errorf("%s: %w", statsFile, err)
	}
	p.load, p.triples = millis(st.LoadMS), st.Triples
	if err := timeSPARQL(cfg, endpoint, q, p); err != nil {
		return err
	}
	p.rss = peakRSS(d.cmd.Process.Pid)
	return nil
}

// virtuosoPackage holds virtuoso-t and isql-vt. Debian's
// virtuoso-opensource would pull in virtuoso-opensource-7, whose postinst
// starts a system instance on the default ports 1111 and 8890 and asks
// debconf for a password; a throwaway instance needs only the binaries.
const virtuosoPackage = "virtuoso-opensource-7-bin"

// virtuosoGraph is the graph the movie file is bulk-loaded into.
const virtuosoGraph = peerBase + "movies"

// virtuosoINI configures a throwaway instance: its files in %[1]s, its SQL
// and HTTP ports on loopback (%[2]s, %[3]s), the data directory %[4]s
// readable by the bulk loader, and buffers as Virtuoso's own ini suggests
// for 2 GB of memory (the default 10000 would measure the disk).
const virtuosoINI = `[Database]
DatabaseFile = %[1]s/virtuoso.db
ErrorLogFile = %[1]s/virtuoso.log
LockFile = %[1]s/virtuoso.lck
TransactionFile = %[1]s/virtuoso.trx
xa_persistent_file = %[1]s/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = %[1]s/virtuoso-temp.db
TransactionFile = %[1]s/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = %[2]s
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
DirsAllowed = ., %[4]s
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
ThreadsPerQuery = 2
MaxQueryMem = 1G

[HTTPServer]
ServerPort = %[3]s
ServerRoot = %[1]s/www
MaxClientConnections = 10
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
EnabledDavVSP = 0

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
`

// measureVirtuoso starts a throwaway Virtuoso in work, bulk-loads data and
// times the question at its SPARQL endpoint; it removes the instance after.
func measureVirtuoso(ctx context.Context, cfg config, work, data, q string, p *peer) error {
	version, err := installVirtuoso(ctx)
	if err != nil {
		return err
	}
	p.name = fmt.Sprintf("Virtuoso %s, SPARQL endpoint", version)
	dir := filepath.Join(work, "virtuoso")
	sqlAddr, httpAddr, err := virtuosoSetup(dir, filepath.Dir(data))
	if err != nil {
		return err
	}
	if !cfg.keep {
		defer os.RemoveAll(dir)
	}
	d, err := startDaemon(ctx, dir, "virtuoso-t", "-f", "-c", "virtuoso.ini")
	if err != nil {
		return err
	}
	defer d.stop(func() { isql(ctx, sqlAddr, "shutdown;") })
	endpoint := "http://" + httpAddr + "/sparql"
	client := &http.Client{Timeout: time.Minute}
	if err := d.waitReady(func() error { _, err := askSPARQL(client, endpoint, "ASK { ?s ?p ?o }"); return err }, 2*time.Minute); err != nil {
		return err
	}
	if p.load, err = virtuosoLoad(ctx, sqlAddr, data); err != nil {
		return err
	}
	if _, err := askSPARQL(client, endpoint, capped(q)); err != nil {
		return fmt.Errorf("first answer: %w", err)
	}
	p.loadedIn = time.Since(d.start)
	if p.triples, err = countTriples(client, endpoint, virtuosoGraph); err != nil {
		return err
	}
	if err := timeSPARQL(cfg, endpoint, q, p); err != nil {
		return err
	}
	p.rss = peakRSS(d.cmd.Process.Pid)
	return nil
}

// virtuosoSetup writes dir's virtuoso.ini with two free loopback ports and
// returns them.
func virtuosoSetup(dir, dataDir string) (sqlAddr, httpAddr string, err error) {
	if err := os.MkdirAll(filepath.Join(dir, "www"), 0o755); err != nil {
		return "", "", err
	}
	for sqlAddr == httpAddr {
		if sqlAddr, err = freeAddr(); err != nil {
			return "", "", err
		}
		if httpAddr, err = freeAddr(); err != nil {
			return "", "", err
		}
	}
	ini := fmt.Sprintf(virtuosoINI, dir, sqlAddr, httpAddr, dataDir)
	return sqlAddr, httpAddr, os.WriteFile(filepath.Join(dir, "virtuoso.ini"), []byte(ini), 0o644)
}

// virtuosoLoad bulk-loads data into virtuosoGraph the documented way
// (ld_dir, rdf_loader_run, checkpoint) and returns how long that took. The
// loader records a bad file in load_list rather than failing, so it is
// asked afterwards.
func virtuosoLoad(ctx context.Context, sqlAddr, data string) (time.Duration, error) {
	start := time.Now()
	_, err := isql(ctx, sqlAddr, fmt.Sprintf("ld_dir(%s, %s, %s); rdf_loader_run(); checkpoint;",
		sqlString(filepath.Dir(data)), sqlString(filepath.Base(data)), sqlString(virtuosoGraph)))
	took := time.Since(start)
	if err != nil {
		return took, fmt.Errorf("bulk load: %w", err)
	}
	out, err := isql(ctx, sqlAddr, "SELECT 'LOAD ERROR: ' || ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
	if err != nil {
		return took, err
	}
	if i := strings.Index(out, "LOAD ERROR: "); i >= 0 {
		return took, fmt.Errorf("bulk load: %s", strings.TrimSpace(firstLine(out[i:])))
	}
	return took, nil
}

// isql runs SQL statements as dba through isql-vt and returns what they
// printed. isql-vt exits 0 after a failed statement, so its "*** Error"
// lines are the failure.
func isql(ctx context.Context, addr, sql string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "isql-vt", addr, "dba", "dba", "BANNER=OFF", "VERBOSE=OFF", "EXEC="+sql)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if i := strings.Index(stderr.String(), "*** Error"); i >= 0 {
		return string(out), fmt.Errorf("isql-vt: %s", firstLine(stderr.String()[i:]))
	}
	if err != nil {
		return string(out), fmt.Errorf("isql-vt: %w: %s", err, lastLine(stderr.String()))
	}
	return string(out), nil
}

// sqlString quotes s as an SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// installVirtuoso installs virtuosoPackage if virtuoso-t or isql-vt is
// missing, and returns the version virtuoso-t reports.
func installVirtuoso(ctx context.Context) (string, error) {
	_, errServer := exec.LookPath("virtuoso-t")
	_, errClient := exec.LookPath("isql-vt")
	if errServer != nil || errClient != nil {
		if err := aptInstall(ctx, virtuosoPackage); err != nil {
			return "", fmt.Errorf("virtuoso-t or isql-vt missing: %w", err)
		}
	}
	// virtuoso-t -? prints its usage, version included, and exits non-zero.
	out, _ := exec.CommandContext(ctx, "virtuoso-t", "-?").CombinedOutput()
	m := regexp.MustCompile(`Version (\d[\w.]*)`).FindSubmatch(out)
	if m == nil {
		return "", fmt.Errorf("virtuoso-t -? printed no version: %s", firstLine(string(out)))
	}
	return string(m[1]), nil
}

// aptInstall installs a Debian package, refreshing the package lists and
// trying again if the first attempt fails (a new machine has none).
func aptInstall(ctx context.Context, pkg string) error {
	if _, err := exec.LookPath("apt-get"); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	apt := func(args ...string) error {
		cmd := exec.CommandContext(ctx, "apt-get", args...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		if b, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("apt-get %s: %w: %s", args[0], err, lastLine(string(b)))
		}
		return nil
	}
	log.Printf("peers: apt-get install %s", pkg)
	install := []string{"install", "-y", "--no-install-recommends", pkg}
	if err := apt(install...); err == nil {
		return nil
	}
	if err := apt("update"); err != nil {
		return err
	}
	return apt(install...)
}

// daemon is a peer's server process, running until stop.
type daemon struct {
	cmd    *exec.Cmd
	logs   *lockedBuffer
	start  time.Time
	exited chan struct{} // closed once the process has ended
}

// startDaemon starts a server process in dir, its output kept for errors.
func startDaemon(ctx context.Context, dir, name string, args ...string) (*daemon, error) {
	d := &daemon{cmd: exec.CommandContext(ctx, name, args...), logs: &lockedBuffer{}, exited: make(chan struct{})}
	d.cmd.Dir = dir
	d.cmd.Stdout, d.cmd.Stderr = d.logs, d.logs
	d.start = time.Now()
	if err := d.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { d.cmd.Wait(); close(d.exited) }()
	return d, nil
}

// waitReady calls ready until it succeeds, and fails early if the process
// ends or limit passes, with the server's last words.
func (d *daemon) waitReady(ready func() error, limit time.Duration) error {
	name := filepath.Base(d.cmd.Path)
	for {
		err := ready()
		if err == nil {
			return nil
		}
		select {
		case <-d.exited:
			return fmt.Errorf("%s ended before answering: %s", name, lastLine(d.logs.String()))
		default:
		}
		if time.Since(d.start) > limit {
			return fmt.Errorf("%s: no answer after %v: %w: %s", name, limit, err, lastLine(d.logs.String()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// stop ends the process with shutdown if given, else an interrupt, and
// kills it if it is still running 30 s later.
func (d *daemon) stop(shutdown func()) {
	select {
	case <-d.exited:
		return
	default:
	}
	if shutdown != nil {
		shutdown()
	} else {
		d.cmd.Process.Signal(os.Interrupt)
	}
	select {
	case <-d.exited:
	case <-time.After(30 * time.Second):
		d.cmd.Process.Kill()
		<-d.exited
	}
}

// lockedBuffer collects a process's output while others may read it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

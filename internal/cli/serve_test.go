package cli_test

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const serveFixture = "../../testdata/server/fixture.nq"

// buildBinary builds agencygraph into a temporary directory, once per test
// binary.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "agencygraph-serve-test")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "agencygraph")
	out, err := exec.Command("go", "build", "-o", bin, "../../cmd/agencygraph").CombinedOutput()
	if err != nil {
		return "", errors.New("go build: " + err.Error() + "\n" + string(out))
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := buildBinary(); err == nil {
		os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// served is a running `agencygraph serve`.
type served struct {
	cmd    *exec.Cmd
	url    string
	stderr *lockedBuffer
	done   chan error
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// startServe starts the binary with args and waits until it says where it
// listens.
func startServe(t *testing.T, args ...string) *served {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	pr, pw := io.Pipe()
	buf := &lockedBuffer{}
	cmd.Stderr = io.MultiWriter(pw, buf)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &served{cmd: cmd, stderr: buf, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait(); pw.Close() }()
	t.Cleanup(func() {
		cmd.Process.Kill()
		<-s.done
	})
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, pr)
	}()
	select {
	case s.url = <-found:
	case err := <-s.done:
		t.Fatalf("serve exited (%v) before listening:\n%s", err, buf.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("serve did not say where it listens:\n%s", buf.String())
	}
	if !strings.HasPrefix(s.url, "http://127.0.0.1:") || strings.HasSuffix(s.url, ":0") {
		t.Fatalf("serve listens on %s, want a loopback port", s.url)
	}
	return s
}

// get sends a request and returns the status and body.
func (s *served) send(t *testing.T, method, path, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, s.url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// stop sends SIGTERM and waits for the exit status.
func (s *served) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		s.done <- err // for Cleanup
		if err != nil {
			t.Fatalf("serve exited with %v after SIGTERM:\n%s", err, s.stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("serve did not stop after SIGTERM:\n%s", s.stderr.String())
	}
}

func TestServe_BlackBox(t *testing.T) {
	s := startServe(t, "serve", "--load", serveFixture, "--addr", "127.0.0.1:0", "--query-timeout", "3s")
	checks := []struct {
		method, path, body string
		status             int
		contains           string
	}{
		{"GET", "/healthz", "", 200, `"ok"`},
		{"GET", "/readyz", "", 200, `"ready"`},
		{"POST", "/api/v1/query/gizmo", `g.V("<ICE>").In("<assists>").All()`, 200, `{"result":[{"id":"\u003cIRS-CI\u003e"}]}`},
		{"GET", "/api/v2/query?lang=gizmo&qu=g.V(%22%3CICE%3E%22).Out().All()", "", 200, `"<DHS>"`},
		{"GET", "/api/v1/stats", "", 200, `"quads":33`},
		{"GET", "/api/v1/saved", "", 200, `"name":"assists"`},
		{"GET", "/api/v1/saved/assists?agency=ICE", "", 200, `"helper":"<IRS-CI>"`},
		{"GET", "/api/v1/saved/assists?agency=ICEE", "", 400, "closest"},
		{"GET", "/api/v1/entities?q=cbp", "", 200, `"iri":"USCBP"`},
		{"POST", "/api/v2/write", "<a> <b> <c> .\n", 403, "--writable"},
	}
	for _, c := range checks {
		status, body := s.send(t, c.method, c.path, c.body)
		if status != c.status || !strings.Contains(body, c.contains) {
			t.Errorf("%s %s: %d %s, want %d with %s", c.method, c.path, status, body, c.status, c.contains)
		}
	}

	// SIGTERM while a runaway query runs: the server stops taking new
	// connections, the query still gets its answer at its deadline, and the
	// process exits 0.
	type answer struct {
		status int
		body   string
	}
	inflight := make(chan answer, 1)
	go func() {
		req, _ := http.NewRequest("POST", s.url+"/api/v2/query?lang=gizmo", strings.NewReader(`while (true) {}`))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			inflight <- answer{0, err.Error()}
			return
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		inflight <- answer{resp.StatusCode, string(b)}
	}()
	waitFor(t, s.stderr, "", 200*time.Millisecond)
	start := time.Now()
	s.stop(t)
	a := <-inflight
	if a.status != http.StatusGatewayTimeout || !strings.Contains(a.body, "timed out") {
		t.Errorf("in-flight runaway during shutdown: %d %s, want 504 timed out", a.status, a.body)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("shutdown took %v; the query timeout is 3s", d)
	}
	if _, err := http.Get(s.url + "/healthz"); err == nil {
		t.Error("server still answers after exiting")
	}
	assertAccessLog(t, s.stderr.String())
	if !strings.Contains(s.stderr.String(), "msg=\"shutting down\"") {
		t.Errorf("no shutdown line in the log:\n%s", s.stderr.String())
	}
}

// waitFor waits d, or until the log contains text when text is not empty.
func waitFor(t *testing.T, log *lockedBuffer, text string, d time.Duration) {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if text != "" && strings.Contains(log.String(), text) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	if text != "" {
		t.Fatalf("log never said %q:\n%s", text, log.String())
	}
}

// assertAccessLog checks serve's stderr for one request line per request,
// with method, path, status, duration and rows for queries.
func assertAccessLog(t *testing.T, log string) {
	t.Helper()
	line := regexp.MustCompile(`(?m)^time=\S+ level=INFO msg=request method=POST path=/api/v1/query/gizmo status=200 duration=\S+ .*rows=1$`)
	if !line.MatchString(log) {
		t.Errorf("no access-log line for the v1 query in:\n%s", log)
	}
	if n := strings.Count(log, "msg=request "); n != 11 {
		t.Errorf("%d access-log lines, want 11 (one per request):\n%s", n, log)
	}
}

// TestServe_Bolt serves a Bolt file with writes enabled, writes to it,
// stops the server with SIGTERM and reopens the file: the write is there and
// the store was closed cleanly (a second process can open it at once).
func TestServe_Bolt(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "graph.db")
	if out, err := exec.Command(bin, "--db", db, "load", "-q", serveFixture).CombinedOutput(); err != nil {
		t.Fatalf("load: %v\n%s", err, out)
	}
	token := filepath.Join(dir, "token")
	const secret = "a-token-of-at-least-16-chars"
	if err := os.WriteFile(token, []byte(secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServe(t, "--db", db, "serve", "--addr", "127.0.0.1:0", "--writable", "--token-file", token)
	status, body := s.send(t, "POST", "/api/v2/write", "<FBI> <assists> <ICE> <src/003> .\n", "Authorization: Bearer "+secret)
	if status != 200 || !strings.Contains(body, "Successfully wrote 1 quads.") {
		t.Fatalf("write: %d %s", status, body)
	}
	status, body = s.send(t, "POST", "/api/v1/query/gizmo", `g.V("<ICE>").In("<assists>").All()`)
	if status != 200 || !strings.Contains(body, "FBI") {
		t.Fatalf("query after write: %d %s", status, body)
	}
	s.stop(t)

	cmd := exec.Command(bin, "--db", db, "stats")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := runWithin(cmd, 20*time.Second); err != nil {
		t.Fatalf("reopening the Bolt file after serve: %v\n%s", err, out.String())
	}
	if !regexp.MustCompile(`(?i)quads\D+34\b`).MatchString(out.String()) {
		t.Errorf("stats after reopening: want 34 quads (33 + 1 written):\n%s", out.String())
	}

	// --preload serves a memory copy of the same file, written quad
	// included, and holds the file against writers while it serves: other
	// readers share it, a load is turned away.
	s = startServe(t, "--db", db, "serve", "--addr", "127.0.0.1:0", "--preload")
	waitFor(t, s.stderr, "preloaded 34 quads", 10*time.Second)
	status, body = s.send(t, "POST", "/api/v1/query/gizmo", `g.V("<ICE>").In("<assists>").All()`)
	if status != 200 || !strings.Contains(body, "FBI") {
		t.Fatalf("query on the preloaded copy: %d %s", status, body)
	}
	reader := exec.Command(bin, "--db", db, "stats")
	if out, err := reader.CombinedOutput(); err != nil || !regexp.MustCompile(`(?i)quads\D+34\b`).MatchString(string(out)) {
		t.Errorf("stats while serve --preload reads the file: %v\n%s", err, out)
	}
	extra := filepath.Join(t.TempDir(), "extra.nq")
	if err := os.WriteFile(extra, []byte("<DEA> <assists> <ICE> <src/003> .\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	writer := exec.Command(bin, "--db", db, "load", extra)
	if out, err := writer.CombinedOutput(); err == nil || !strings.Contains(string(out), "held by another process") {
		t.Errorf("load while serve --preload holds the file: %v\n%s", err, out)
	}
	s.stop(t)
}

// runWithin runs cmd, killing it after d: Bolt waits forever for a lock a
// process that did not close its store would hold.
func runWithin(cmd *exec.Cmd, d time.Duration) error {
	if err := cmd.Start(); err != nil {
		return err
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		cmd.Process.Kill()
		<-done
		return errors.New("timed out: is the file still locked?")
	}
}

// TestServe_Flags checks serve's refusals before it listens.
func TestServe_Flags(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	short := filepath.Join(t.TempDir(), "token")
	os.WriteFile(short, []byte("short\n"), 0o600)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"serve", "--writable"}, "--token-file"},
		{[]string{"serve", "--token-file", short}, "only used with --writable"},
		{[]string{"serve", "--writable", "--token-file", short}, "at least 16"},
		{[]string{"serve", "--max-results", "0"}, "positive"},
		{[]string{"--db", filepath.Join(t.TempDir(), "x.db"), "serve", "--load", serveFixture}, "cannot be combined"},
		{[]string{"serve", "--load", "../../testdata/server/nope.nq"}, "nope.nq"},
		{[]string{"serve", "--preload"}, "in memory already"},
		{[]string{"--db", filepath.Join(t.TempDir(), "x.db"), "serve", "--preload", "--writable", "--token-file", short}, "read-only copy"},
		{[]string{"serve", "--addr", "256.0.0.1:0", "--load", serveFixture}, "256.0.0.1"},
	}
	for _, tc := range tests {
		cmd := exec.Command(bin, tc.args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := runWithin(cmd, 20*time.Second)
		if err == nil || !strings.Contains(out.String(), tc.want) {
			t.Errorf("%v: %v\n%s\nwant an error mentioning %q", tc.args, err, out.String(), tc.want)
		}
	}
}

// lockedBuffer is a bytes.Buffer safe for a writer and readers at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

package server_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium returns the path of a Chromium or Chrome binary, "" when there is
// none: $AGENCYGRAPH_CHROMIUM, then Debian's chromium, then the usual names.
func chromium() string {
	if p := os.Getenv("AGENCYGRAPH_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// artifactDir is where browser tests leave screenshots: $AGENCYGRAPH_ARTIFACTS,
// else agencygraph-artifacts in the temporary directory.
func artifactDir(t *testing.T) string {
	dir := os.Getenv("AGENCYGRAPH_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "agencygraph-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestPage_Browser drives the graph page in headless Chromium against a real
// server on loopback: find an entity with the search box, expand it by
// clicking its node, click the edge that appears and read its evidence in
// the side panel. Clicks are real mouse events at the elements' positions on
// the canvas.
func TestPage_Browser(t *testing.T) {
	bin := chromium()
	if bin == "" {
		t.Skip("no Chromium found (apt-get install chromium, or set AGENCYGRAPH_CHROMIUM): browser test not run")
	}
	ts := newServer(t, setup{data: exportData})

	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin),
		chromedp.NoSandbox, // CI runs as root, where Chromium's sandbox cannot start
		chromedp.WindowSize(1400, 900),
		chromedp.Flag("disable-dev-shm-usage", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	ctx, cancel = context.WithTimeout(ctx, 60*time.Second)
	defer cancel()

	// Any uncaught script error or console.error (a failed fetch shows as
	// one) fails the test.
	var mu sync.Mutex
	var pageErrors []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			msg := ev.ExceptionDetails.Text
			if ex := ev.ExceptionDetails.Exception; ex != nil {
				msg += " " + ex.Description
			}
			pageErrors = append(pageErrors, "exception: "+msg)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var args []string
				for _, a := range ev.Args {
					args = append(args, string(a.Value)+a.Description)
				}
				pageErrors = append(pageErrors, "console.error: "+strings.Join(args, " "))
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	const (
		entity = "IRS-CI"
		quote1 = "IRS criminal investigators began assisting ICE on March 10."
		quote2 = "Officials said IRS agents had been helping ICE since February."
	)
	wait := func(js string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			_, err := chromedp.Poll[bool](js)(ctx, t)
			if err != nil {
				return fmt.Errorf("wait for %s: %w", js, err)
			}
			return nil
		})
	}
	// click sends a real mouse click to the viewport position of an element
	// of the map, which is drawn on a canvas.
	click := func(el string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
			p, err := chromedp.Evaluate[struct{ X, Y float64 }](`(function () {
				var cy = agencygraph.cy, el = `+el+`, box = cy.container().getBoundingClientRect();
				var p = el.isNode() ? el.renderedPosition() : el.renderedMidpoint();
				return { X: box.left + p.x, Y: box.top + p.y };
			})()`)(ctx, t)
			if err != nil {
				return err
			}
			_, err = chromedp.MouseClickXY(p.X, p.Y)(ctx, t)
			return err
		})
	}
	err = chromedp.Do(ctx,
		chromedp.Navigate(ts.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("q")),
		wait(`document.getElementById("status").textContent === "ready"`),

		// Search: the same lookup as the CLI, by a word of the name.
		chromedp.SendKeys(chromedp.ID("q"), "criminal"),
		chromedp.WaitVisible(chromedp.CSS(`#results li[data-iri="`+entity+`"]`)),
		chromedp.Click(chromedp.CSS(`#results li[data-iri="`+entity+`"]`)),
		wait(`agencygraph.cy.getElementById("`+entity+`").nonempty() && agencygraph.cy.nodes().length === 1`),
		wait(`!agencygraph.cy.animated()`),

		// Expand: a click on the node brings in its neighbour, ICE.
		click(`cy.getElementById("`+entity+`")`),
		wait(`agencygraph.cy.getElementById("ICE").nonempty() && agencygraph.cy.edges().length === 1`),
		wait(`agencygraph.cy.getElementById("`+entity+`").hasClass("expanded")`),

		// Evidence: a click on the edge lists both assertions behind it.
		click(`cy.edges()[0]`),
		wait(`document.querySelectorAll("#panel blockquote").length === 2`),
	)
	var panel string
	if err == nil {
		panel, err = chromedp.Run(ctx, chromedp.Text(chromedp.ID("panel")))
	}
	// For the screenshot: the whole graph, with the same edge's evidence.
	if err == nil {
		err = chromedp.Do(ctx,
			chromedp.Click(chromedp.ID("whole")),
			wait(`agencygraph.cy.nodes().length === 9 && agencygraph.cy.edges().length === 7`),
			// The kind filter hides both assists edges, and brings them back.
			chromedp.Click(chromedp.CSS(`#kinds input[value="assists"]`)),
			wait(`agencygraph.cy.edges(":visible").length === 5`),
			chromedp.Click(chromedp.CSS(`#kinds input[value="assists"]`)),
			wait(`agencygraph.cy.edges(":visible").length === 7`),
			// The date filter keeps the edges with evidence from April 2025 on.
			chromedp.SendKeys(chromedp.ID("since"), "2025-04\n"),
			wait(`agencygraph.cy.edges(":visible").length === 2`),
			chromedp.Evaluate[chromedp.Void](`(function (el) { el.value = ""; el.dispatchEvent(new Event("change")); })(document.getElementById("since"))`),
			wait(`agencygraph.cy.edges(":visible").length === 7`),
			// The download asks the server for the view (as GraphML by default).
			chromedp.Click(chromedp.ID("download")),
			wait(`document.getElementById("status").textContent === "downloaded agencygraph-view.graphml"`),
			// A tap from script: in a random layout a node may sit on the
			// edge's midpoint (the real click was tested above).
			chromedp.Evaluate[chromedp.Void](`void agencygraph.cy.getElementById("IRS-CI assists ICE").emit("tap")`),
			wait(`document.querySelectorAll("#panel blockquote").length === 2`),
		)
	}
	var screenshot []byte
	if err == nil {
		screenshot, err = chromedp.Run(ctx, chromedp.FullScreenshot(100)) // quality 100 is PNG
	}
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		t.Fatalf("browser: %v (page errors: %q)", err, pageErrors)
	}
	for _, want := range []string{quote1, quote2, "IRS agents join immigration enforcement", "Example Post", "anonymous", "stated", "2025-03-10", "2025-02"} {
		if !strings.Contains(panel, want) {
			t.Errorf("evidence panel lacks %q:\n%s", want, panel)
		}
	}
	if len(pageErrors) > 0 {
		t.Errorf("page errors: %q", pageErrors)
	}
	path := filepath.Join(artifactDir(t), "graph-page.png")
	if err := os.WriteFile(path, screenshot, 0o644); err != nil {
		t.Errorf("screenshot: %v", err)
	} else {
		t.Logf("screenshot: %s", path)
	}
}

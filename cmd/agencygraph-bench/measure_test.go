package main

import (
	"strings"
	"testing"
	"time"
)

// Both readers must read the same quads from the same file, or the parse
// rates compare different work.
func TestMeasureParse(t *testing.T) {
	for _, file := range []string{"../../testdata/load/good.nq", "../../testdata/load/good.nq.gz"} {
		var r result
		if err := r.measureParse(file); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		if r.quads != 15 || r.bytes == 0 || r.parseOurs <= 0 || r.parseCayley <= 0 {
			t.Errorf("%s: %d quads, %d bytes, %v and %v; want 15 quads timed by both readers",
				file, r.quads, r.bytes, r.parseOurs, r.parseCayley)
		}
	}
}

func TestReportFormats(t *testing.T) {
	tests := []struct{ got, want string }{
		{human(1_000_000), "1M"},
		{human(30_000), "30k"},
		{human(1234), "1234"},
		{ratioText(14.2), "14×"},
		{ratioText(0.123), "0.12×"},
		{ratioText(0), "—"},
		{ms(1500 * time.Microsecond), "1.50 ms"},
		{ms(2 * time.Second), "2000 ms"},
		{lastLine("loading…\nagencygraph: query timed out after 30s\n"), "agencygraph: query timed out after 30s"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	var b strings.Builder
	r := &result{ds: dataset{name: "x"}, quads: 10, bytes: 1e6, parseOurs: time.Second, parseCayley: 2 * time.Second,
		boltOurs: proc{wall: time.Second, rss: 1e6}, boltCayley: proc{wall: 10 * time.Second, rss: 4e6}}
	r.write(&b)
	if !strings.Contains(b.String(), "| load into Bolt, quads/s (whole process) | 10 (1.0 s) | 1 (10.0 s) | 10× |") {
		t.Errorf("report lacks the load row:\n%s", b.String())
	}
}

// The saved-query table gives each server's p50 over the --preload
// server's, and flags a server whose answer differs from the others'.
func TestWriteSaved(t *testing.T) {
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	r := &result{
		ds: dataset{saved: []savedQuery{{"entity ICE", "entity?entity=ICE"}, {"conflicts", "conflicts"}, {"sources", "sources"}, {"timeline", "timeline"}}},
		latency: []serverLatency{
			{name: "bolt", saved: []savedLatency{{stats: stats{p50: ms(30)}, body: "a"}, {stats: stats{p50: ms(20)}, body: "b"}, {err: "timed out"}, {err: "timed out"}}},
			{name: "serve --preload", memory: true, saved: []savedLatency{{stats: stats{p50: ms(15)}, body: "a"}, {stats: stats{p50: ms(10)}, body: "c"}, {stats: stats{p50: ms(10)}, body: "d"}, {err: "timed out"}}},
			{name: "cayley http, memstore", memory: true},
		},
	}
	var b strings.Builder
	r.writeSaved(&b)
	for _, want := range []string{
		"| saved query | bolt | / preload | serve --preload | / preload | same answer |",
		"| `entity ICE` | 30 ms | 2.00× | 15 ms | 1.00× | yes |",
		"| `conflicts` | 20 ms | 2.00× | 10 ms | 1.00× | **no** |",
		// A failure is not a different answer.
		"| `sources` | failed: timed out | — | 10 ms | 1.00× | yes (the 1 that answered) |",
		"| `timeline` | failed: timed out | — | failed: timed out | — | — |",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("missing %q in:\n%s", want, b.String())
		}
	}
	if strings.Contains(b.String(), "cayley") {
		t.Errorf("a server with no saved queries has a column:\n%s", b.String())
	}
}

package main

import (
	"fmt"
	"io"
	"time"
)

// write prints the dataset's figures as a Markdown table: agencygraph,
// Cayley, and agencygraph's figure over Cayley's (above 1 is better for
// rates, below 1 for times and memory).
func (r *result) write(w io.Writer) {
	mb := float64(r.bytes) / 1e6
	fmt.Fprintf(w, "### %s: %d quads, %.1f MB of N-Quads\n\n", r.ds.name, r.quads, mb)
	fmt.Fprintln(w, "| measure | agencygraph | cayley v0.7.7 | agencygraph / cayley |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: |")
	row := func(what, ours, cayley string, ratio float64) {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", what, ours, cayley, ratioText(ratio))
	}
	rate := func(d time.Duration) float64 { return float64(r.quads) / d.Seconds() }
	row("N-Quads parse alone, MB/s (in memory, best of 3)",
		fmt.Sprintf("%.0f", mb/r.parseOurs.Seconds()), fmt.Sprintf("%.0f", mb/r.parseCayley.Seconds()),
		r.parseCayley.Seconds()/r.parseOurs.Seconds())
	row("load into Bolt, quads/s (whole process)",
		fmt.Sprintf("%.0f (%.1f s)", rate(r.boltOurs.wall), r.boltOurs.wall.Seconds()),
		fmt.Sprintf("%.0f (%.1f s)", rate(r.boltCayley.wall), r.boltCayley.wall.Seconds()),
		r.boltCayley.wall.Seconds()/r.boltOurs.wall.Seconds())
	row("peak RSS loading into Bolt", mib(r.boltOurs.rss), mib(r.boltCayley.rss), float64(r.boltOurs.rss)/float64(r.boltCayley.rss))
	row("load into memory, quads/s (whole process)",
		fmt.Sprintf("%.0f (%.1f s)", rate(r.memOurs.wall), r.memOurs.wall.Seconds()),
		fmt.Sprintf("%.0f (%.1f s)", rate(r.memCayley.wall), r.memCayley.wall.Seconds()),
		r.memCayley.wall.Seconds()/r.memOurs.wall.Seconds())
	row("peak RSS loading into memory", mib(r.memOurs.rss), mib(r.memCayley.rss), float64(r.memOurs.rss)/float64(r.memCayley.rss))
	row("cold start to first answer, 1-hop Gizmo on Bolt (process start to exit, median of 5)",
		ms(r.coldOurs.wall), ms(r.coldCayley.wall), r.coldOurs.wall.Seconds()/r.coldCayley.wall.Seconds())
	for _, c := range r.coldSaved {
		what := ms(c.proc.wall)
		if c.err != "" {
			what = "failed: " + c.err
		}
		row(fmt.Sprintf("cold start to first answer, saved query `%s` on Bolt (median of 5)", c.query), what, "—", 0)
	}
	cayleyMem := serverLatency{three: stats{p50: -1}}
	for _, s := range r.latency {
		if !s.ours && s.memory && s.err == "" {
			cayleyMem = s
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Over HTTP (`POST /api/v1/query/gizmo`, one request at a time; throughput with 4 clients; both cap answers at Cayley's default of 100). Ratio: p50 over Cayley's memstore p50.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| server | ready after | 3-hop p50 | 3-hop p99 | 3-hop / cayley memstore | 1-hop p50 | 1-hop p99 | 3-hop req/s | RSS serving | answers (3-hop, 1-hop) |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	for _, s := range r.latency {
		if s.err != "" {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | | | | |\n", s.name, s.err)
			continue
		}
		fmt.Fprintf(w, "| %s | %.1f s | %s | %s | %s | %s | %s | %.1f | %s | %d, %d |\n",
			s.name, s.loadedIn.Seconds(), ms(s.three.p50), ms(s.three.p99),
			ratioText(s.three.p50.Seconds()/cayleyMem.three.p50.Seconds()),
			ms(s.one.p50), ms(s.one.p99), s.throughput, mib(s.rss), s.answers3, s.answers1)
	}
	fmt.Fprintln(w)
	for _, s := range r.latency {
		if s.memory && s.err == "" {
			fmt.Fprintf(w, "- %s: %.0f bytes of RSS per quad served from memory.\n", s.name, float64(s.rss)/float64(r.quads))
		}
	}
	for _, s := range r.latency {
		if s.err == "" && s.three.n < 20 {
			fmt.Fprintf(w, "- %s: only %d timed 3-hop queries fitted in the time budget.\n", s.name, s.three.n)
		}
	}
	fmt.Fprintln(w)
}

func ratioText(x float64) string {
	if x <= 0 {
		return "—"
	}
	if x >= 10 {
		return fmt.Sprintf("%.0f×", x)
	}
	return fmt.Sprintf("%.2f×", x)
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "—"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	}
}

func mib(b int64) string {
	if b == 0 {
		return "—"
	}
	return fmt.Sprintf("%.0f MB", float64(b)/1e6)
}

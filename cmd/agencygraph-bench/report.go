package main

import (
	"fmt"
	"io"
	"strings"
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
	cayleyMem := r.cayleyMemory()
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
	r.writeSaved(w)
	if r.peers != nil {
		r.writePeers(w)
	}
}

// cayleyMemory is Cayley's memstore server, the yardstick of the ratios;
// its p50 is negative if it failed, so that no ratio is printed.
func (r *result) cayleyMemory() serverLatency {
	for _, s := range r.latency {
		if !s.ours && s.memory && s.err == "" {
			return s
		}
	}
	return serverLatency{three: stats{p50: -1}}
}

// writePeers prints the peers table: the run's own in-memory servers, then
// Oxigraph and Virtuoso, all on the 3-hop question, with notes on how
// each was timed, since their loads are not timed alike.
func (r *result) writePeers(w io.Writer) {
	fmt.Fprintln(w, "#### Peers on the same question")
	fmt.Fprintln(w)
	fmt.Fprintf(w, "The 3-hop question above; for Oxigraph and Virtuoso as SPARQL over the file with its IRIs made absolute (`</x>` and `<x>` become `<%sx>`), with `LIMIT %d` as Gizmo's cap:\n\n", peerBase, answerCap)
	fmt.Fprintf(w, "```sparql\n%s\n```\n\n", capped(r.ds.queries.sparql))
	fmt.Fprintln(w, "| store | load | ready after | 3-hop p50 | 3-hop p99 | p50 / cayley memstore | req/s, 4 clients | RSS | answers |")
	fmt.Fprintln(w, "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
	cayleyMem := r.cayleyMemory()
	rows := []peer{}
	for _, s := range r.latency {
		if s.memory {
			rows = append(rows, peer{serverLatency: s})
		}
	}
	for _, p := range append(rows, r.peers...) {
		if p.err != "" {
			fmt.Fprintf(w, "| %s | failed: %s | | | | | | | |\n", p.name, p.err)
			continue
		}
		rate := fmt.Sprintf("%.1f", p.throughput)
		if p.inProcess {
			rate += " (1 caller)"
		}
		fmt.Fprintf(w, "| %s | %.1f s | %.1f s | %s | %s | %s | %s | %s | %d |\n",
			p.name, p.load.Seconds(), p.loadedIn.Seconds(), ms(p.three.p50), ms(p.three.p99),
			ratioText(p.three.p50.Seconds()/cayleyMem.three.p50.Seconds()), rate, mib(p.rss), p.answers3)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "- load: agencygraph and cayley, the whole `load` process into memory from the .nq.gz (for `--preload`, into Bolt); Oxigraph, `Store.load` alone, timed inside node on the rewritten file already read into memory; Virtuoso, the isql-vt call that runs `ld_dir`, `rdf_loader_run()` and `checkpoint` on a running server.")
	fmt.Fprintln(w, "- ready after: process start to first answer; for Virtuoso it includes creating an empty database and the bulk load, for Oxigraph in-process it ends when the load does.")
	fmt.Fprintln(w, "- Oxigraph in-process: `Store.query` in the loading process, answers as terms, no HTTP or JSON; node runs one query at a time, so its rate is one caller back to back. RSS is the peak resident set (VmHWM) after loading and querying, for every row.")
	for _, p := range r.peers {
		if p.err == "" {
			fmt.Fprintf(w, "- %s: holds %d triples (the file has %d quads); %d answers without the LIMIT.\n", p.name, p.triples, r.quads, p.answersAll)
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

// writeSaved prints the saved queries over HTTP on our servers, each
// server's p50 and its ratio to the --preload server's (the same quads in
// the memory store), and whether every server gave the same answer.
func (r *result) writeSaved(w io.Writer) {
	var servers []serverLatency
	ref := -1
	for _, s := range r.latency {
		if len(s.saved) == 0 {
			continue
		}
		if s.memory && strings.Contains(s.name, "--preload") {
			ref = len(servers)
		}
		servers = append(servers, s)
	}
	if len(servers) == 0 {
		return
	}
	fmt.Fprintf(w, "Saved queries over HTTP (`GET /api/v1/saved/…`, one request at a time, p50 of up to %d after two warm-ups, each server's deadline raised to %v). Ratio: p50 over the `--preload` server's (the same quads in agencygraph's memory store).\n\n", savedRequests, queryLimit)
	head := "| saved query |"
	rule := "| --- |"
	for _, s := range servers {
		head += " " + s.name + " |"
		rule += " ---: |"
		if ref >= 0 {
			head += " / preload |"
			rule += " ---: |"
		}
	}
	fmt.Fprintln(w, head+" same answer |")
	fmt.Fprintln(w, rule+" --- |")
	for i, sq := range r.ds.saved {
		line := "| `" + sq.cli + "` |"
		var bodies []string
		for _, s := range servers {
			sl := s.saved[i]
			if sl.err != "" {
				line += " failed: " + sl.err + " |"
			} else {
				line += " " + ms(sl.p50) + " |"
				bodies = append(bodies, sl.body)
			}
			if ref >= 0 {
				line += " " + ratioText(ratio(sl.p50, servers[ref].saved[i].p50)) + " |"
			}
		}
		fmt.Fprintln(w, line+" "+sameAnswer(bodies, len(servers))+" |")
	}
	fmt.Fprintln(w)
}

// sameAnswer says whether the servers that answered gave the same bytes,
// and how many of them there were when some failed: a failure is not a
// different answer.
func sameAnswer(bodies []string, servers int) string {
	answer := "yes"
	for _, b := range bodies {
		if b != bodies[0] {
			answer = "**no**"
		}
	}
	switch {
	case len(bodies) == 0:
		return "—"
	case len(bodies) < servers:
		return fmt.Sprintf("%s (the %d that answered)", answer, len(bodies))
	}
	return answer
}

// ratio is a/b, or 0 (shown as "—") when either is missing.
func ratio(a, b time.Duration) float64 {
	if a <= 0 || b <= 0 {
		return 0
	}
	return a.Seconds() / b.Seconds()
}

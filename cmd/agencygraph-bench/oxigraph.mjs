// oxigraph.mjs runs Oxigraph for agencygraph-bench (peers.go), which writes
// it beside the npm package in its work directory. Two modes:
//
//   node oxigraph.mjs inprocess FILE REQUESTS BUDGET_MS QUERY QUERY_ALL
//     loads FILE, asks QUERY twice untimed, then up to REQUESTS timed times
//     (stopping after BUDGET_MS), asks QUERY_ALL once, and prints one JSON
//     object on standard output.
//   node oxigraph.mjs serve FILE HOST:PORT STATS
//     loads FILE, writes its load figures to STATS as JSON, and answers
//     SPARQL at http://HOST:PORT/sparql (the query in ?query=, a form POST
//     or an application/sparql-query body) until interrupted.
//
// Load times are Store.load alone, on the file already read into memory;
// readyMS counts from the process's start (performance.timeOrigin).
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import oxigraph from "oxigraph";

function load(file) {
  const text = readFileSync(file);
  const store = new oxigraph.Store();
  const start = performance.now();
  store.load(text, { format: "application/n-quads" });
  const loadMS = performance.now() - start;
  return { store, stats: { loadMS, readyMS: performance.now(), triples: store.size } };
}

// peakRSS is the process's largest resident set, as peers.go reads it of
// the other servers.
function peakRSS() {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"));
  return m ? Number(m[1]) * 1024 : 0;
}

function inProcess(file, requests, budgetMS, query, queryAll) {
  const { store, stats } = load(file);
  let answers = 0;
  for (let i = 0; i < 2; i++) answers = store.query(query).length;
  const samplesNS = [];
  const start = performance.now();
  while (samplesNS.length < requests && (samplesNS.length < 3 || performance.now() - start < budgetMS)) {
    const t = process.hrtime.bigint();
    store.query(query);
    samplesNS.push(Number(process.hrtime.bigint() - t));
  }
  const answersAll = store.query(queryAll).length;
  const out = { ...stats, answers, answersAll, samplesNS, peakRSS: peakRSS() };
  process.stdout.write(JSON.stringify(out) + "\n");
}

function serve(file, addr, statsFile) {
  const { store, stats } = load(file);
  writeFileSync(statsFile, JSON.stringify(stats) + "\n");
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => answer(store, req, Buffer.concat(chunks).toString(), res));
  });
  const i = addr.lastIndexOf(":");
  server.listen(Number(addr.slice(i + 1)), addr.slice(0, i));
}

function answer(store, req, body, res) {
  const url = new URL(req.url, "http://localhost");
  if (url.pathname !== "/sparql") {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found\n");
    return;
  }
  let query = url.searchParams.get("query");
  const type = (req.headers["content-type"] || "").split(";")[0].trim();
  if (req.method === "POST" && type === "application/sparql-query") query = body;
  else if (req.method === "POST") query = new URLSearchParams(body).get("query");
  if (!query) {
    res.writeHead(400, { "content-type": "text/plain" }).end("no query\n");
    return;
  }
  let out;
  try {
    out = store.query(query, { results_format: "application/sparql-results+json" });
  } catch (e) {
    res.writeHead(400, { "content-type": "text/plain" }).end(String(e) + "\n");
    return;
  }
  res.writeHead(200, { "content-type": "application/sparql-results+json" }).end(out);
}

const [mode, ...args] = process.argv.slice(2);
if (mode === "inprocess") {
  const [file, requests, budgetMS, query, queryAll] = args;
  inProcess(file, Number(requests), Number(budgetMS), query, queryAll);
} else if (mode === "serve") {
  serve(...args);
} else {
  console.error("usage: node oxigraph.mjs inprocess FILE REQUESTS BUDGET_MS QUERY QUERY_ALL | serve FILE HOST:PORT STATS");
  process.exit(2);
}

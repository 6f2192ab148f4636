// The dashboard's HTTP server (bench/web/server.ts) on 127.0.0.1: unknown paths get 404, a run
// request that is malformed, invalid or too large is refused and runs nothing, a valid one runs
// once. Whether a run happened is counted where every run starts: the policy's backing.
import assert from "node:assert/strict";
import { request } from "node:http";
import type { Server } from "node:http";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { POLICIES } from "../host/policies/index.ts";
import type { Policy } from "../host/policies/policy.ts";
import { startDashboard } from "../bench/web/server.ts";
import { run } from "../host/run.ts";
import { tempDir } from "./tmp.ts";

const RESULTS = tempDir("dashboard");
let server: Server;
let port: number;

/** Backings created (one per run), by policy. */
const runs: Record<string, number> = {};
const originals = new Map<string, Policy>();
const runsSoFar = () => Object.values(runs).reduce((a, b) => a + b, 0);

before(async () => {
  for (const [name, policy] of Object.entries(POLICIES)) {
    originals.set(name, policy);
    POLICIES[name] = { ...policy, create: (ctx) => { runs[name] = (runs[name] ?? 0) + 1; return policy.create(ctx); } };
  }
  const started = await startDashboard(RESULTS, 0);
  server = started.server;
  const match = /^http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(started.url);
  assert.ok(match, `serves on 127.0.0.1: ${started.url}`);
  port = Number(match[1]);
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  for (const [name, policy] of originals) POLICIES[name] = policy;
});

interface Answer { status: number; type: string; body: string }

/** One request to the dashboard (127.0.0.1 only); rejects if the connection ends with no answer.
 *  Gives up after 60 s. */
function ask(method: string, path: string, body?: string, headers: Record<string, string | null> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, agent: false, timeout: 60_000 }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => { text += chunk; });
      res.on("end", () => resolve({ status: res.statusCode!, type: String(res.headers["content-type"]), body: text }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer to ${method} ${path} within 60 s`)));
    req.on("error", reject);
    if (body !== undefined) req.setHeader("content-type", "application/json");
    for (const [name, value] of Object.entries(headers)) {
      if (value === null) req.removeHeader(name); // null: no such header
      else req.setHeader(name, value);
    }
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A run request the server accepts: a few milliseconds of work. */
const SMALL_RUN = { workload: "trans", size: "tiny", policy: "disk", localMem: "64KiB" };

test("the dashboard serves its page at / and answers every other path and method with 404", { timeout: 60_000 }, async () => {
  const page = await ask("GET", "/");
  assert.equal(page.status, 200);
  assert.match(page.type, /^text\/html/);
  assert.match(page.body, /<title>remora: results<\/title>/);
  for (const [method, path] of [
    ["GET", "/nope"], ["GET", "/api/run"], ["POST", "/"], ["PUT", "/api/run"], ["DELETE", "/api/run"],
    ["GET", "/index.htm"], ["GET", "/../../etc/passwd"], ["POST", "/api/run/"], ["POST", "/api/runs"],
  ]) {
    const r = await ask(method, path, method === "GET" ? undefined : JSON.stringify(SMALL_RUN));
    assert.deepEqual([r.status, r.type, r.body], [404, "text/plain", "not found"], `${method} ${path}`);
  }
  assert.equal(runsSoFar(), 0, "nothing ran");
});

test("a malformed or invalid run request gets 400 with the reason as JSON, and runs nothing", { timeout: 60_000 }, async () => {
  for (const [body, reason] of [
    ["{not json", /JSON/],
    ["", /JSON/],
    [JSON.stringify({ workload: "nosuch" }), /^unknown workload "nosuch"/],
    [JSON.stringify({ ...SMALL_RUN, size: "huge" }), /huge|size/],
    [JSON.stringify({ ...SMALL_RUN, policy: "teleport" }), /teleport|policy/],
    [JSON.stringify({ ...SMALL_RUN, localMem: "4KiB" }), /at least 2 pages/],
    [JSON.stringify({ ...SMALL_RUN, localMem: "lots" }), /cannot read "lots" as a size/],
    // A live run never reads a path given in a request, existing or not.
    [JSON.stringify({ ...SMALL_RUN, workload: join(RESULTS, "absent.wasm") }), /^unknown workload/],
    [JSON.stringify({ ...SMALL_RUN, workload: "build/workloads/trans.wasm" }), /^unknown workload/],
    [JSON.stringify({ ...SMALL_RUN, size: undefined, as: "wasi", workload: "nosuch" }), /nosuch/],
    ["[]", /JSON object/],
    ["null", /JSON object/],
    ["42", /JSON object/],
  ] as const) {
    const r = await ask("POST", "/api/run", body);
    assert.equal(r.status, 400, `${body}: ${r.body}`);
    assert.equal(r.type, "application/json", body);
    const { error } = JSON.parse(r.body);
    assert.match(error, reason, body);
  }
  assert.equal(runsSoFar(), 0, "nothing ran");
});

// The body here is a valid run request, padded past the server's cap of 10 000 characters: if it
// were read whole, it would run.
test("an oversized run request gets 413 with the reason, runs nothing, and the server goes on serving", { timeout: 60_000 }, async () => {
  const r = await ask("POST", "/api/run", JSON.stringify({ ...SMALL_RUN, padding: "x".repeat(20_000) }));
  assert.equal(r.status, 413, r.body);
  assert.match(JSON.parse(r.body).error, /over 10000 bytes/);
  assert.equal(runsSoFar(), 0, "nothing ran");
  assert.equal((await ask("GET", "/")).status, 200);
});

// What a page on another site can send without a preflight: a text/plain (or form) body, with its
// own Origin; or a JSON body, which a browser sends cross-site only after a preflight the server
// never answers, but with the other site's Origin.
test("a cross-site run request (not JSON, or another Origin) gets 403 as JSON and runs nothing", { timeout: 60_000 }, async () => {
  const body = JSON.stringify(SMALL_RUN);
  for (const [headers, reason] of [
    [{ "content-type": "text/plain" }, /Content-Type: application\/json/],
    [{ "content-type": "text/plain;charset=UTF-8", origin: "https://evil.example" }, /Content-Type/],
    [{ "content-type": "application/x-www-form-urlencoded" }, /Content-Type/],
    [{ "content-type": "multipart/form-data; boundary=x" }, /Content-Type/],
    [{ "content-type": "" }, /Content-Type/],
    [{ "content-type": null }, /not "\(none\)"/],
    [{ origin: "https://evil.example" }, /own page.*evil\.example/],
    [{ origin: "null" }, /own page/],
    [{ origin: `http://127.0.0.1:${port + 1}` }, /own page/],
    [{ origin: `https://127.0.0.1:${port}` }, /own page/],
    [{ origin: `http://127.0.0.1.evil.example:${port}` }, /own page/],
  ] as const) {
    const r = await ask("POST", "/api/run", body, headers);
    assert.equal(r.status, 403, `${JSON.stringify(headers)}: ${r.body}`);
    assert.equal(r.type, "application/json");
    assert.match(JSON.parse(r.body).error, reason, JSON.stringify(headers));
  }
  assert.equal(runsSoFar(), 0, "nothing ran");
  assert.equal((await ask("GET", "/")).status, 200, "the server goes on serving");
});

test("a live run asking for more than the cap (size or local memory) gets 400 naming the cap, and runs nothing", { timeout: 60_000 }, async () => {
  for (const [fields, reason] of [
    [{ size: "medium" }, /capped at size small/],
    [{ size: "large" }, /capped at size small/],
    [{ size: "large", as: "wasi" }, /capped at size small/],
    [{ localMem: "65MiB" }, /capped at 64MiB of local memory/],
    [{ localMem: "2GiB", size: "tiny" }, /capped at 64MiB of local memory/],
  ] as const) {
    const r = await ask("POST", "/api/run", JSON.stringify({ ...SMALL_RUN, ...fields }));
    assert.equal(r.status, 400, `${JSON.stringify(fields)}: ${r.body}`);
    assert.match(JSON.parse(r.body).error, reason, JSON.stringify(fields));
  }
  assert.equal(runsSoFar(), 0, "nothing ran");
});

test("a valid small run request runs once and answers with its figures as JSON", { timeout: 90_000 }, async () => {
  const before = runsSoFar();
  // As the dashboard's own page sends it: JSON, with the server's Origin (a charset is fine).
  const r = await ask("POST", "/api/run", JSON.stringify({ ...SMALL_RUN, unknownOption: "ignored" }),
    { "content-type": "application/json; charset=utf-8", origin: `http://localhost:${port}` });
  assert.equal(r.status, 200, r.body);
  assert.equal(r.type, "application/json");
  const result = JSON.parse(r.body);
  assert.equal(result.workload, "trans");
  assert.equal(result.size, "tiny");
  assert.equal(result.policy, "disk");
  assert.equal(result.config.localPages, 16);
  assert.equal(result.verified, true);
  assert.ok(result.pageIns > 0, `it paged: ${result.pageIns} page-ins`);
  assert.equal("engine" in result, false, "the engine's internals stay out");
  assert.equal(runsSoFar() - before, 1, "exactly one run");
  assert.equal(runs.disk, 1);
});

test("a live run passes the prefetcher on: readahead:8 under disk gives remora run's figures", { timeout: 90_000 }, async () => {
  const options = { ...SMALL_RUN, prefetch: "readahead:8" };
  const r = await ask("POST", "/api/run", JSON.stringify(options));
  assert.equal(r.status, 200, r.body);
  const live = JSON.parse(r.body);
  const direct = await run(options);
  assert.ok(live.prefetchHits > 0, `prefetch hits: ${live.prefetchHits}`);
  for (const field of ["modelledCycles", "pageIns", "prefetched", "prefetchHits", "verified"] as const) assert.equal(live[field], direct[field], field);
});

// The command line: `run --json` prints one complete result object, the human summary says whether
// the run verified, `list` names everything, and a .wasm file runs like the built-in workload.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { CODECS } from "../host/compression/index.ts";
import { PRESETS } from "../host/presets/index.ts";
import { WORKLOADS } from "../workloads/index.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SEED = "1";

const FIELDS = [
  "workload", "size", "policy", "config", "checksum", "nativeChecksum", "verified", "accesses", "loads", "stores",
  "localAccesses", "remoteAccesses", "pageFaults", "pageIns", "pageOuts", "migrations", "diskReads", "diskWrites",
  "networkBytes", "modelledCycles", "modelledSeconds", "avgAccessCycles", "wallSeconds",
];
const NUMBER_FIELDS = FIELDS.filter((f) => !["workload", "size", "policy", "config", "verified"].includes(f));

/** Runs ./bin/remora and expects success; returns stdout. */
function remora(args: string[]): string {
  const r = spawnSync(process.execPath, ["bin/remora", ...args], { cwd: ROOT, encoding: "utf8" });
  assert.equal(r.status, 0, `remora ${args.join(" ")} exited ${r.status} (signal ${r.signal})\nstderr: ${r.stderr}`);
  return r.stdout;
}

/** Runs with --json and parses the single line it must print. */
function runJson(args: string[]): Record<string, any> {
  const out = remora(["run", ...args, "--seed", SEED, "--json"]);
  assert.ok(out.endsWith("\n"), "the JSON line ends with a newline");
  const lines = out.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `expected one line on stdout, got ${lines.length}:\n${out}`);
  const value = JSON.parse(lines[0]);
  assert.equal(typeof value, "object");
  assert.ok(value !== null && !Array.isArray(value), "the line is a JSON object");
  return value;
}

test("run --json prints one JSON object with every result field, verified, and the given local pages", () => {
  const r = runJson(["trans", "--size", "tiny", "--local-pages", "64"]);
  for (const f of FIELDS) assert.ok(f in r, `field ${f} is missing`);
  for (const f of NUMBER_FIELDS) assert.equal(typeof r[f], "number", `field ${f} is a number`);
  assert.equal(r.workload, "trans");
  assert.equal(r.size, "tiny");
  assert.equal(r.policy, "disk");
  assert.equal(r.verified, true);
  assert.equal(r.checksum, r.nativeChecksum);
  assert.ok(r.accesses > 0);
  assert.equal(typeof r.config, "object");
  assert.equal(r.config.localPages, 64);
  assert.equal(r.config.seed, Number(SEED));
  assert.equal(r.config.n, WORKLOADS.trans.sizes.tiny);
});

test("the human summary of a run says that it verified", () => {
  const out = remora(["run", "trans", "--size", "tiny", "--local-pages", "64", "--seed", SEED]);
  assert.match(out, /verified/);
  assert.doesNotMatch(out, /MISMATCH/);
});

test("list names every workload, the local and disk policies, every preset and every page codec", () => {
  const out = remora(["list"]);
  const named = (name: string) => new RegExp(`^${name}\\s`, "m").test(out);
  for (const w of Object.keys(WORKLOADS)) assert.ok(named(w), `workload ${w} is listed`);
  for (const p of ["local", "disk"]) assert.ok(named(p), `policy ${p} is listed`);
  for (const p of Object.keys(PRESETS)) assert.ok(named(p), `preset ${p} is listed`);
  for (const c of Object.keys(CODECS)) assert.ok(named(c), `codec ${c} is listed`);
});

test("a .wasm file of the workloads' shape run with --n gives the same checksum as the named workload", () => {
  const file = runJson(["build/workloads/trans.wasm", "--n", String(WORKLOADS.trans.sizes.tiny), "--local-pages", "64"]);
  const named = runJson(["trans", "--size", "tiny", "--local-pages", "64"]);
  assert.equal(file.verified, true);
  assert.equal(file.config.n, WORKLOADS.trans.sizes.tiny);
  assert.equal(file.checksum, named.checksum);
  assert.equal(file.checksum, WORKLOADS.trans.reference(WORKLOADS.trans.sizes.tiny, Number(SEED)) >>> 0);
});

// The command line's failures and exit codes, as a user meets them: 2 for a bad option, 1 for a
// module remora refuses or a workload that traps, 3 for a checksum that differs from the native
// run's; each error is one `remora: ` line on stderr and nothing on stdout. Also: the result JSON
// carries every field README.md documents, compare-counters differs from itself only by the
// software cost of its remote accesses, and bench --large reports its large rows.
//
// Every run is a real ./bin/remora process. The tests run a few at a time (each process spends
// about a second starting), bench --large first because it is the longest.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig } from "../host/config.ts";
import { breakEvenCounter } from "../host/policies/break-even.ts";
import { POLICIES } from "../host/policies/index.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { tempDir } from "./tmp.ts";
import { watBytes } from "./wat.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = tempDir("cli-errors");

interface Outcome { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; seconds: number }

/** Runs ./bin/remora to its end, or kills it after timeoutMs: a guard against a hang, generous
 *  because the machine may be shared (a 2 s run has taken 150 s here with other tests running). */
function remora(args: string[], timeoutMs = 240_000): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["bin/remora", ...args], { cwd: ROOT, timeout: timeoutMs });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => { stdout += d; });
    child.stderr.setEncoding("utf8").on("data", (d: string) => { stderr += d; });
    child.on("error", reject);
    child.on("close", (status, signal) => resolve({ status, signal, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

const describeRun = (args: string[], r: Outcome) =>
  `remora ${args.join(" ")}\nexit ${r.status} signal ${r.signal}\nstdout: ${JSON.stringify(r.stdout.slice(0, 2000))}\nstderr: ${JSON.stringify(r.stderr.slice(0, 2000))}`;

/** Expects exit `code`, nothing on stdout and exactly one line on stderr, `remora: MESSAGE`;
 *  returns MESSAGE. */
async function fails(args: string[], code: number): Promise<string> {
  const r = await remora(args);
  const what = describeRun(args, r);
  assert.equal(r.status, code, `expected exit ${code}\n${what}`);
  assert.equal(r.stdout, "", `expected nothing on stdout\n${what}`);
  assert.ok(r.stderr.endsWith("\n"), `expected stderr to end with a newline\n${what}`);
  const lines = r.stderr.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `expected exactly one line on stderr (no stack trace)\n${what}`);
  assert.ok(lines[0].startsWith("remora: "), `expected the line to start with "remora: "\n${what}`);
  return lines[0].slice("remora: ".length);
}

/** Expects exit 0 (or `code`) and exactly one line on stdout, a JSON object; returns it. */
async function json(args: string[], code = 0): Promise<Record<string, any>> {
  const r = await remora([...args, "--json"]);
  const what = describeRun([...args, "--json"], r);
  assert.equal(r.status, code, `expected exit ${code}\n${what}`);
  assert.ok(r.stdout.endsWith("\n"), `expected stdout to end with a newline\n${what}`);
  const lines = r.stdout.slice(0, -1).split("\n");
  assert.equal(lines.length, 1, `expected one line on stdout\n${what}`);
  const value = JSON.parse(lines[0]);
  assert.ok(typeof value === "object" && value !== null && !Array.isArray(value), `expected a JSON object\n${what}`);
  return value;
}

/** A .wasm file in the temp directory, assembled from WAT with its name section. */
function wasmFile(name: string, wat: string): string {
  const path = join(TMP, name);
  writeFileSync(path, watBytes(wat, { names: true }));
  return path;
}

/** Bad option values of `run trans --size tiny`: the options, the exact message, and the text
 *  from the command line that the message must repeat. */
const BAD_OPTIONS: { what: string; args: string[]; message: string; names: string }[] = [
  { what: "a page size of 3000 bytes (not a power of two)", args: ["--page-size", "3000"],
    message: '--page-size must be a power of two from 1KiB to 64KiB, not "3000" (3000 bytes)', names: "3000" },
  { what: "a page size of 512 bytes (below 1 KiB)", args: ["--page-size", "512"],
    message: '--page-size must be a power of two from 1KiB to 64KiB, not "512" (512 bytes)', names: "512" },
  { what: "a page size of 128KiB (above 64 KiB)", args: ["--page-size", "128KiB"],
    message: '--page-size must be a power of two from 1KiB to 64KiB, not "128KiB" (131072 bytes)', names: "128KiB" },
  { what: "a page size of abc", args: ["--page-size", "abc"],
    message: '--page-size: cannot read "abc" as a size: use a number with B, KiB, MiB or GiB', names: '"abc"' },
  { what: "a counter of 0", args: ["--counter", "0"],
    message: '--counter must be auto or an integer from 1 to 16777215, not "0"', names: '"0"' },
  { what: "a counter of -1", args: ["--counter", "-1"],
    message: '--counter must be auto or an integer from 1 to 16777215, not "-1"', names: '"-1"' },
  { what: "a counter of 2^24", args: ["--counter", String(2 ** 24)],
    message: '--counter must be auto or an integer from 1 to 16777215, not "16777216"', names: '"16777216"' },
  { what: "a counter of x", args: ["--counter", "x"],
    message: '--counter must be auto or an integer from 1 to 16777215, not "x"', names: '"x"' },
  { what: "a counter of Auto (it is lower case)", args: ["--counter", "Auto"],
    message: '--counter must be auto or an integer from 1 to 16777215, not "Auto"', names: '"Auto"' },
  { what: "a seed of -1", args: ["--seed", "-1"],
    message: '--seed must be an integer from 0 to 4294967295, not "-1"', names: '"-1"' },
  { what: "a seed of 2^32", args: ["--seed", String(2 ** 32)],
    message: '--seed must be an integer from 0 to 4294967295, not "4294967296"', names: '"4294967296"' },
  { what: "a seed of 1.5", args: ["--seed", "1.5"],
    message: '--seed must be an integer from 0 to 4294967295, not "1.5"', names: '"1.5"' },
  { what: "a seed of abc", args: ["--seed", "abc"],
    message: '--seed must be an integer from 0 to 4294967295, not "abc"', names: '"abc"' },
  { what: "an n of -1", args: ["--n", "-1"],
    message: '--n must be an integer from 0 to 2147483647, not "-1"', names: '"-1"' },
  { what: "an n of abc", args: ["--n", "abc"],
    message: '--n must be an integer from 0 to 2147483647, not "abc"', names: '"abc"' },
  { what: "an n of 2^31", args: ["--n", String(2 ** 31)],
    message: '--n must be an integer from 0 to 2147483647, not "2147483648"', names: '"2147483648"' },
  { what: "an engine cache of lots", args: ["--engine-cache", "lots"],
    message: '--engine-cache: cannot read "lots" as a size: use a number with B, KiB, MiB or GiB', names: '"lots"' },
  { what: "--dir-copy for a workload, which has no files", args: ["--dir-copy", "/tmp"],
    message: "program arguments, --dir, --dir-copy and --env are for WASI commands; trans is a workload with run(n, seed)", names: "--dir-copy" },
  { what: "--local-mem given together with --local-pages", args: ["--local-mem", "1MiB", "--local-pages", "64"],
    message: "give --local-mem or --local-pages, not both", names: "--local-pages" },
  { what: "a local memory of one page", args: ["--local-pages", "1"],
    message: "local memory must hold at least 2 pages of 4096 bytes (got 1)", names: "got 1" },
  { what: "zero memory servers", args: ["--policy", "ram-disk", "--servers", "0"],
    message: '--servers must be an integer from 1 to 64, not "0"', names: '"0"' },
  { what: "an unknown prefetcher", args: ["--prefetch", "stride"],
    message: 'unknown prefetcher "stride": choose one of none, readahead:N, leap', names: '"stride"' },
  { what: "readahead of 0 pages", args: ["--prefetch", "readahead:0"],
    message: "--prefetch readahead:N: pages read ahead must be from 1 to 64, not 0", names: "not 0" },
  { what: "prefetching under counters", args: ["--policy", "counters", "--prefetch", "leap"],
    message: "--prefetch applies to the paging policies (disk, ram-disk), not counters", names: "counters" },
  { what: "an unknown --compress codec", args: ["--policy", "ram-disk", "--compress", "zstd"],
    message: "option '--compress <codec>' argument 'zstd' is invalid. Allowed choices are none, lz4, deflate.", names: "'zstd'" },
  { what: "--compress with a policy that maps pages in place", args: ["--policy", "counters", "--compress", "lz4"],
    message: "--compress applies to the paging policies disk and ram-disk, not counters", names: "counters" },
  { what: "an unknown policy", args: ["--policy", "nope"],
    message: `option '--policy <policy>' argument 'nope' is invalid. Allowed choices are ${Object.keys(POLICIES).join(", ")}.`, names: "'nope'" },
];

/** The result's fields as README.md's table "The result" names them, in its order. */
function readmeResultFields(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const section = readme.split(/^### The result$/m)[1]?.split(/^#{2,3} /m)[0];
  assert.ok(section, 'README.md has a section "### The result"');
  const fields: string[] = [];
  for (const line of section.split("\n")) {
    const first = /^\|([^|]*)\|/.exec(line)?.[1];
    if (first === undefined) continue;
    for (const m of first.matchAll(/`([A-Za-z]+)`/g)) fields.push(m[1]);
  }
  return fields;
}

const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);
const isObject = (v: unknown) => typeof v === "object" && v !== null && !Array.isArray(v);
const isStats = (keys: string[]) => (v: unknown) => isObject(v) && keys.every((k) => isNumber((v as any)[k]));
const isU32 = (v: unknown) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 32;

/** What each documented field holds, by the README's words; `run` is the whole result (some
 *  fields depend on the policy or on --engine-cache). */
const FIELD_TYPES: Record<string, { type: string; ok: (v: unknown, run: Record<string, any>) => boolean }> = {
  workload: { type: "a string", ok: (v) => typeof v === "string" },
  size: { type: "a string (a named workload)", ok: (v) => typeof v === "string" },
  policy: { type: "a string", ok: (v) => typeof v === "string" },
  config: { type: "an object", ok: isObject },
  checksum: { type: "a u32", ok: isU32 },
  nativeChecksum: { type: "a u32", ok: isU32 },
  verified: { type: "a boolean", ok: (v) => typeof v === "boolean" },
  ...Object.fromEntries([
    "accesses", "loads", "stores", "localAccesses", "remoteAccesses", "pageFaults", "pageIns", "pageOuts", "evictions",
    "migrations", "counterInterrupts", "networkBytes", "pagesOnDisk", "diskReads", "diskWrites", "modelledCycles",
    "modelledSeconds", "avgAccessCycles", "wallSeconds", "nativeWallSeconds", "physicalMemoryBytes", "framesUsed",
    "virtualMemoryBytes", "tlbMisses", "redundancyBytes", "redundancyCycles", "remoteBytesPeak", "serverFailures",
    "pagesRecovered", "pagesLost", "recoveryBytes", "recoveryCycles",
  ].map((f) => [f, { type: "a number", ok: isNumber }])),
  // The README says only "(counter policies)"; the code gives null under the others.
  counterInitial: {
    type: "a number under the counter policies, else null",
    ok: (v, run) => (String(run.policy).endsWith("counters") ? isNumber(v) : v === null),
  },
  counterAuto: {
    type: "a boolean under the counter policies, else null",
    ok: (v, run) => (String(run.policy).endsWith("counters") ? typeof v === "boolean" : v === null),
  },
  faultLatencyMicros: { type: "{mean, p50, p99} (these runs have page-ins)", ok: isStats(["mean", "p50", "p99"]) },
  servers: {
    type: "an array of numbers, one per server",
    ok: (v, run) => Array.isArray(v) && v.length === run.config.servers && v.every(isNumber),
  },
  engineCacheHitRate: {
    type: "a number from 0 to 1 with --engine-cache, else null",
    ok: (v, run) => (run.config.engineCacheBytes > 0 ? isNumber(v) && (v as number) >= 0 && (v as number) <= 1 : v === null),
  },
  faultRoundTripMicros: { type: "{p50, p99}", ok: isStats(["p50", "p99"]) },
  transport: { type: "a string, config.transport", ok: (v, run) => typeof v === "string" && v === run.config.transport },
  serverUrls: {
    type: "an array of redis:// URLs under --transport redis, else []",
    ok: (v, run) => Array.isArray(v) && (run.config.transport === "redis"
      ? v.length === run.config.servers && v.every((u) => /^redis:\/\//.test(u)) : v.length === 0),
  },
  ...Object.fromEntries(["prefetched", "prefetchHits"].map((f) => [f, { type: "a number", ok: isNumber }])),
  ...Object.fromEntries(["prefetchAccuracy", "prefetchCoverage"].map((f) => [f, {
    type: "a number from 0 to 1 with --prefetch, else null",
    ok: (v: unknown, run: Record<string, any>) => (run.config.prefetch.name !== "none" ? isNumber(v) && (v as number) >= 0 && (v as number) <= 1 : v === null),
  }])),
  compression: {
    type: "null without --compress, else {codec, compressionRatio, pagesCompressed, pagesStoredRaw, ...}",
    ok: (v, run) => (run.config.compress === "none" ? v === null
      : isStats(["compressionRatio", "pagesCompressed", "pagesStoredRaw", "pagesDecompressed", "pageBytes", "storedBytes", "compressMicros", "decompressMicros"])(v)
        && (v as { codec: unknown }).codec === run.config.compress),
  },
};

// One run per policy, shared by the tests that read the result's fields.
let ramDiskRun: Promise<Record<string, any>> | undefined;
let countersRun: Promise<Record<string, any>> | undefined;
const ramDisk = () => (ramDiskRun ??= json(["run", "trans", "--size", "tiny", "--policy", "ram-disk", "--local-pages", "32", "--engine-cache", "64KiB", "--compress", "lz4"]));
const counters = () => (countersRun ??= json(["run", "trans", "--size", "tiny", "--policy", "counters", "--local-pages", "32"]));

/** The bench test's limit. bench of trans (small) and trans large takes about 50 s on 2 busy
 *  cores; with every large workload (trans, sort, qsort: --workloads ignored) it takes about 160 s
 *  on idle ones. */
const BENCH_LIMIT_MS = 150_000;

describe("remora's command line: errors, exit codes and result fields", { concurrency: 3 }, () => {
  // ---- bench ----

  test("bench --large --workloads trans reports one large row, for trans, verified, with remote accesses and a speed", async () => {
    const args = ["bench", "--large", "--workloads", "trans", "--repetitions", "1", "--json"];
    const r = await remora(args, BENCH_LIMIT_MS);
    assert.ok(r.signal === null,
      `bench did not finish within ${BENCH_LIMIT_MS / 1000} s: does it run every large workload, not only those of --workloads?\n${describeRun(args, r)}`);
    assert.equal(r.status, 0, describeRun(args, r));
    const report = JSON.parse(r.stdout);
    assert.deepEqual(report.rows.map((row: { workload: string }) => row.workload), ["trans"], "--workloads limits the main rows");
    assert.ok(Array.isArray(report.large), `the report has large rows: ${r.stdout.slice(0, 500)}`);
    assert.deepEqual(report.large.map((row: { workload: string }) => row.workload), ["trans"], "--workloads limits the large rows");
    const [row] = report.large;
    assert.equal(row.verified, true);
    assert.equal(row.n, WORKLOADS.trans.sizes.large);
    assert.ok(row.workingSetBytes >= 256 * 2 ** 20, `trans large's working set ${row.workingSetBytes} is 256 MiB or more`);
    assert.equal(row.localMemBytes, 32 * 2 ** 20);
    assert.ok(row.remoteAccesses > 0, `remote accesses ${row.remoteAccesses}`);
    assert.ok(row.accessesPerSecond > 0, `accesses per second ${row.accessesPerSecond}`);
  });

  test("bench with zero repetitions exits 2 with one line naming the value", async () => {
    assert.equal(await fails(["bench", "--repetitions", "0"], 2), '--repetitions must be a positive integer, not "0"');
  });

  // ---- exit 2: bad option values ----

  for (const { what, args, message, names } of BAD_OPTIONS) {
    test(`${what} exits 2 with one line that names it`, async () => {
      const line = await fails(["run", "trans", "--size", "tiny", ...args], 2);
      assert.equal(line, message);
      assert.ok(line.includes(names), `the message names ${names}`);
    });
  }

  test("an unknown workload exits 2 with one line that names it and the known workloads", async () => {
    assert.equal(await fails(["run", "nosuch", "--size", "tiny"], 2),
      `unknown workload "nosuch": choose one of ${Object.keys(WORKLOADS).join(", ")}, or give a .wasm file`);
  });

  test("a .wasm workload without --n exits 2 with one line that asks for --n", async () => {
    const line = await fails(["run", "build/workloads/trans.wasm", "--local-pages", "32"], 2);
    assert.match(line, /--n\b/);
    assert.match(line, /trans\.wasm/);
  });

  // ---- exit 1: refused modules and traps ----

  test("a module with an atomic load exits 1 with one line naming the instruction and its function", async () => {
    const file = wasmFile("atomic.wasm", `(module
      (memory 1 1)
      (func $touch (result i32) (i32.atomic.load (i32.const 0)))
      (func (export "run") (param i32 i32) (result i32) (call $touch)))`);
    assert.equal(await fails(["run", file, "--n", "1", "--local-pages", "4"], 1), "cannot emulate i32.atomic.load in function touch");
  });

  test("a module with a second memory exits 1 with one line", async () => {
    const file = wasmFile("two-memories.wasm", `(module
      (memory $a 1)
      (memory $b 1)
      (func (export "run") (param i32 i32) (result i32)
        (i32.add (i32.load $a (i32.const 0)) (i32.load $b (i32.const 0)))))`);
    assert.equal(await fails(["run", file, "--n", "1", "--local-pages", "4"], 1),
      "module has 2 memories; remora emulates one (multi-memory is not supported)");
  });

  test("a workload that loads out of bounds exits 1 with one line giving the virtual address", async () => {
    // One wasm page is 65536 bytes; 70000 = 0x11170 is past it.
    const file = wasmFile("out-of-bounds.wasm", `(module
      (memory 1)
      (func (export "run") (param i32 i32) (result i32) (i32.load (i32.const 70000))))`);
    assert.equal(await fails(["run", file, "--n", "1", "--local-pages", "4"], 1),
      "the program trapped: memory access out of bounds: 4 bytes at virtual address 0x11170");
  });

  // ---- exit 3: a checksum that differs from the native run's ----

  // A genuine divergence: native wasm32 memory grows to 65536 pages (4 GiB), but remora's virtual
  // memory stops at 65535 (MAX_VIRTUAL_WASM_PAGES in assembly/mmu.ts: the top wasm page of the
  // 32-bit space holds TLB_INVALID). Growing a one-page memory by 65535 pages returns 1 natively
  // and -1 (0xffffffff) emulated; the module returns what memory.grow returned.
  const growToFourGiB = () => wasmFile("grow-4gib.wasm", `(module
    (memory 1)
    (func (export "run") (param i32 i32) (result i32) (memory.grow (i32.const 65535))))`);

  test("a module that grows its memory to 4 GiB exits 3 and its JSON says verified false", async () => {
    const r = await json(["run", growToFourGiB(), "--n", "1", "--local-pages", "4"], 3);
    assert.equal(r.nativeChecksum, 1, "natively memory.grow(65535) succeeds and returns the old size, 1");
    assert.equal(r.checksum, 0xffffffff, "emulated, memory.grow(65535) fails and returns -1");
    assert.equal(r.verified, false);
    assert.equal(r.virtualMemoryBytes, 65536, "the emulated memory did not grow");
  });

  test("a module that grows its memory to 4 GiB exits 3 and its summary says MISMATCH", async () => {
    const args = ["run", growToFourGiB(), "--n", "1", "--local-pages", "4"];
    const r = await remora(args);
    assert.equal(r.status, 3, describeRun(args, r));
    assert.match(r.stdout, /^checksum +4294967295 \(native 1\) MISMATCH$/m, describeRun(args, r));
    assert.equal(r.stderr, "remora: the checksum 4294967295 differs from the native run's 1: the emulation changed the result\n");
    assert.doesNotMatch(r.stdout, /verified/, describeRun(args, r));
  });

  // ---- --counter auto ----

  test("run --counter auto reports the break-even value it chose, in the JSON and in the summary, smaller under software counters", async () => {
    const base = ["run", "trans", "--size", "tiny", "--preset", "markatos96", "--local-mem", "128KiB", "--counter", "auto"];
    const hardware = await json([...base, "--policy", "counters"]);
    const software = await json([...base, "--policy", "software-counters"]);
    for (const r of [hardware, software]) {
      assert.equal(r.verified, true);
      assert.equal(r.counterAuto, true);
      assert.equal(r.config.counterAuto, true);
      assert.equal(r.counterInitial, r.config.counterInitial, "the result reports the value the run used");
    }
    // The value for the run's own configuration (its whole derivation is tested in break-even.test.ts).
    assert.equal(hardware.counterInitial, breakEvenCounter(resolveConfig({ workload: "trans", preset: "markatos96", policy: "counters", counter: "auto" })));
    assert.ok(hardware.counterInitial > software.counterInitial, `hardware ${hardware.counterInitial}, software ${software.counterInitial}`);
    const args = [...base, "--policy", "counters"];
    const r = await remora(args);
    assert.equal(r.status, 0, describeRun(args, r));
    assert.match(r.stdout, new RegExp(`^remote .*\\(counter ${hardware.counterInitial}, the break-even value chosen by --counter auto\\)$`, "m"), describeRun(args, r));
    const fixed = await json(["run", "trans", "--size", "tiny", "--preset", "markatos96", "--local-mem", "128KiB", "--policy", "counters", "--counter", "64"]);
    assert.deepEqual([fixed.counterInitial, fixed.counterAuto], [64, false]);
  });

  // ---- compare-counters ----

  test("compare-counters: both verified, same migrations and remote accesses, software dearer by exactly its remote accesses' extra cost", async () => {
    const { workload, hardware, software } = await json(["compare-counters", "sort", "--size", "tiny"]);
    assert.equal(workload, "sort");
    assert.equal(hardware.policy, "counters");
    assert.equal(software.policy, "software-counters");
    assert.equal(hardware.verified, true);
    assert.equal(software.verified, true);
    assert.deepEqual(software.config, { ...hardware.config, policy: "software-counters" }, "the same configuration but the policy");
    assert.ok(hardware.remoteAccesses > 0, "the run made remote accesses");
    assert.ok(hardware.migrations > 0, "the run migrated pages");
    assert.equal(software.remoteAccesses, hardware.remoteAccesses);
    assert.equal(software.migrations, hardware.migrations);
    assert.equal(software.accesses, hardware.accesses);
    const c = hardware.config;
    assert.ok(c.softwareRemoteAccessCycles > c.remoteAccessCycles, "a software remote access costs more than a hardware one");
    // README's cost model: the same accesses, transfers and interrupts; only each remote access's
    // price differs.
    assert.ok(software.modelledCycles > hardware.modelledCycles);
    assert.equal(software.modelledCycles - hardware.modelledCycles,
      hardware.remoteAccesses * (c.softwareRemoteAccessCycles - c.remoteAccessCycles));
  });

  test("compare-counters' table has a row for each policy", async () => {
    const args = ["compare-counters", "sort", "--size", "tiny"];
    const r = await remora(args);
    assert.equal(r.status, 0, describeRun(args, r));
    assert.match(r.stdout, /^counters\s+\d+/m, describeRun(args, r));
    assert.match(r.stdout, /^software-counters\s+\d+/m, describeRun(args, r));
  });

  // ---- the result's fields ----

  test("README's result table names the fields this test knows the type of", () => {
    assert.deepEqual([...readmeResultFields()].sort(), Object.keys(FIELD_TYPES).sort());
  });

  for (const [name, result] of [["a ram-disk run with --compress lz4", ramDisk], ["a counters run", counters]] as const) {
    test(`run --json of ${name} has every field README documents, each of its documented type, and no other`, async () => {
      const r = await result();
      assert.equal(r.verified, true);
      for (const field of readmeResultFields()) {
        assert.ok(field in r, `field ${field} is missing`);
        const spec = FIELD_TYPES[field];
        assert.ok(spec, `no type known for the documented field ${field}`);
        assert.ok(spec.ok(r[field], r), `field ${field} is ${JSON.stringify(r[field])}, not ${spec.type}`);
      }
      assert.deepEqual(Object.keys(r).filter((k) => !readmeResultFields().includes(k)), [], "fields the README does not document");
    });
  }

  // ---- a reader that stops early ----

  test("output into a pipe closed early (remora list | head -1) ends quietly, with no stack trace", async () => {
    const r = await new Promise<{ status: number | null; stderr: string; stdout: string }>((resolve) => {
      const child = spawn("sh", ["-c", `"${process.execPath}" bin/remora list | head -c 10`], { cwd: ROOT });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d) => { stdout += d; });
      child.stderr.on("data", (d) => { stderr += d; });
      child.on("close", (status) => resolve({ status, stderr, stdout }));
    });
    assert.equal(r.stdout.length, 10);
    assert.equal(r.stderr, "", "remora wrote to stderr");
  });
});

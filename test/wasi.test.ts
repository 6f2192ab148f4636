// Unmodified WASI programs: C programs built with Debian's clang for wasm32-wasi, and the
// AssemblyScript workloads built as WASI commands, give exactly the output of a plain run
// (node:wasi, in this test) under every policy, with their pages through the MMU.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { run } from "../host/run.ts";
import { runCommand, TRAP_EXIT_CODE, type CommandResult } from "../host/wasi/command.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { cFixture, noToolchain } from "./c-fixtures.ts";
import { plainImports } from "./plain-wasi.ts";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");
const DATA = join(FIXTURES, "data");
const TMP = tempDir("wasi");

const POLICIES = ["local", "disk", "ram-disk", "remote-main", "counters", "software-counters"];

const fixture = (name: string): string => cFixture(name, ["-lwasi-emulated-process-clocks"]);

interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The plain run: node:wasi on the unmodified module, output captured through files. */
function reference(file: string, args: string[], env: Record<string, string>, dirs: Record<string, string>): Output & { trapped: boolean } {
  const outPath = join(TMP, "ref.out");
  const errPath = join(TMP, "ref.err");
  const stdout = openSync(outPath, "w");
  const stderr = openSync(errPath, "w");
  let exitCode: number;
  let trapped = false;
  try {
    const wasi = new WASI({ version: "preview1", args: [file.replace(/^.*\//, ""), ...args], env, preopens: dirs, stdout, stderr, returnOnExit: true });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), plainImports(wasi));
    try {
      exitCode = wasi.start(instance);
    } catch (e) {
      assert.ok(e instanceof WebAssembly.RuntimeError, `the plain run failed: ${e}`);
      trapped = true;
      exitCode = TRAP_EXIT_CODE;
    }
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  return { stdout: readFileSync(outPath, "utf8"), stderr: readFileSync(errPath, "utf8"), exitCode, trapped };
}

const sameOutput = (r: CommandResult, ref: Output, label: string) => {
  assert.equal(r.stdout, ref.stdout, `${label}: stdout`);
  assert.equal(r.stderr, ref.stderr, `${label}: stderr`);
  assert.equal(r.exitCode, ref.exitCode, `${label}: exit code`);
};

const BASICS_ARGS = ["/data/words.txt", "/data/sub/small.txt"];
const BASICS_ENV = { GREETING: "hello, remote memory", EMPTY: "", PATHLIKE: "/a:/b" };

test("a C program (malloc/free, printf, files from --dir, argv, environment) gives the plain run's stdout, stderr and exit code under every policy, with 32 local pages and with 1/8 of its footprint", { skip: noToolchain, timeout: 600_000 }, async () => {
  const file = fixture("basics");
  const ref = reference(file, BASICS_ARGS, BASICS_ENV, { "/data": DATA });
  assert.equal(ref.exitCode, 3);
  assert.match(ref.stdout, /words\.txt: 86455 bytes, 1500 lines/);
  const command = { args: BASICS_ARGS, env: BASICS_ENV, dirs: [{ host: DATA, guest: "/data" }] };
  const local = await runCommand({ workload: file, policy: "local" }, command);
  sameOutput(local, ref, "local");
  const footprintPages = local.framesUsed;
  assert.ok(footprintPages > 8 * 32, `the program touches ${footprintPages} pages: too few to page with 32 local pages`);
  for (const localPages of [32, Math.ceil(footprintPages / 8)]) {
    for (const policy of POLICIES.slice(1)) {
      const r = await runCommand({ workload: file, policy, localPages }, command);
      const label = `${policy} with ${localPages} local pages`;
      sameOutput(r, ref, label);
      assert.ok(r.framesUsed <= localPages, `${label}: ${r.framesUsed} frames used`);
      assert.equal(r.accesses, local.accesses, `${label}: the same accesses as under local`);
      if (policy === "disk" || policy === "ram-disk") assert.ok(r.pageIns > 0, `${label}: no page-ins`);
      if (policy === "counters" || policy === "software-counters" || policy === "remote-main") {
        assert.ok(r.remoteAccesses > 0, `${label}: no remote accesses`);
      }
    }
  }
});

test("host calls read and write virtual memory: a file read into pages that are then evicted and paged back in arrives intact, and a page a call wrote is dirty", { skip: noToolchain, timeout: 120_000 }, async () => {
  const file = fixture("basics");
  const ref = reference(file, ["/data/words.txt"], {}, { "/data": DATA });
  // A page the host wrote but the MMU did not mark dirty would not be written back when evicted:
  // it would come back as zeros, and the file's hash would differ.
  const r = await runCommand({ workload: file, policy: "disk", localPages: 8 },
    { args: ["/data/words.txt"], dirs: [{ host: DATA, guest: "/data" }] });
  sameOutput(r, ref, "disk with 8 local pages");
  assert.ok(r.pageOuts > 0 && r.pageIns > 0);
});

test("the same program with its directory as a private copy (--dir-copy), and on @wasmer/wasi's in-memory file system (the implementation for where node:wasi is not), gives the plain run's output", { skip: noToolchain, timeout: 120_000 }, async () => {
  const file = fixture("basics");
  const ref = reference(file, BASICS_ARGS, BASICS_ENV, { "/data": DATA });
  for (const wasi of ["node", "wasmer"] as const) {
    const r = await runCommand({ workload: file, policy: "disk", localPages: 32 },
      { args: BASICS_ARGS, env: BASICS_ENV, dirs: [{ host: DATA, guest: "/data", copy: true }], wasi });
    sameOutput(r, ref, `${wasi}, a copy of the directory`);
  }
});

test("a C program that ends by exit() from deep in its calls has its stores, loads and TLB misses counted as when it returns", { skip: noToolchain, timeout: 120_000 }, async () => {
  const file = fixture("exit-counts");
  const returned = await runCommand({ workload: file, policy: "local" }, { args: [] });
  const exited = await runCommand({ workload: file, policy: "local" }, { args: ["exit"] });
  for (const r of [returned, exited]) {
    assert.equal(r.exitCode, 0);
    assert.equal(r.loads + r.stores, r.accesses);
    assert.ok(r.stores >= 100_000, `${r.stores} stores: the loop's 100000 are missing`);
  }
  // exit() runs libc's exit handlers, and the loop's stores follow the same path either way.
  assert.ok(Math.abs(exited.stores - returned.stores) < 1000, `stores ${exited.stores} after exit(), ${returned.stores} after a return`);
  assert.ok(exited.tlbMisses >= returned.tlbMisses - 100, `TLB misses ${exited.tlbMisses} after exit(), ${returned.tlbMisses} after a return`);
});

test("a C program that traps after printing: its output arrives, the trap is reported with the virtual address, and the exit is non-zero", { skip: noToolchain, timeout: 120_000 }, async () => {
  const file = fixture("trap");
  for (const [how, message] of [["oob", /memory access out of bounds: 4 bytes at virtual address 0xfffff020/], ["unreachable", /unreachable/]] as const) {
    const ref = reference(file, [how], {}, {});
    assert.ok(ref.trapped, `${how}: the plain run trapped`);
    assert.equal(ref.stdout, "before the trap\n");
    for (const policy of ["local", "disk", "counters"]) {
      const r = await runCommand({ workload: file, policy, localPages: 32 }, { args: [how] });
      sameOutput(r, ref, `${how} under ${policy}`);
      assert.match(r.trap ?? "", message);
    }
    const cli = spawnSync(process.execPath, ["bin/remora", "run", file, "--policy", "disk", "--quiet", "--", how], { cwd: ROOT, encoding: "utf8" });
    assert.equal(cli.stdout, "before the trap\n");
    assert.equal(cli.status, TRAP_EXIT_CODE);
    const lines = cli.stderr.trimEnd().split("\n");
    assert.equal(lines[0], `about to trap: ${how}`);
    assert.match(lines[1], /^remora: the program trapped: /);
    assert.match(lines[1], message);
    assert.equal(lines.length, 2, cli.stderr);
  }
});

test("remora run FILE.wasm: the program's output passes through unchanged, its exit code is remora's, the summary goes to stderr (none with --quiet), and --json carries the output in fields", { skip: noToolchain, timeout: 120_000 }, () => {
  const file = fixture("basics");
  const ref = reference(file, BASICS_ARGS, BASICS_ENV, { "/data": DATA });
  const common = ["run", file, "--policy", "counters", "--local-pages", "32", "--dir", `${DATA}:/data`,
    ...Object.entries(BASICS_ENV).flatMap(([k, v]) => ["--env", `${k}=${v}`])];
  const cli = (extra: string[]) => spawnSync(process.execPath, ["bin/remora", ...common, ...extra, "--", ...BASICS_ARGS], { cwd: ROOT, encoding: "utf8" });

  const quiet = cli(["--quiet"]);
  assert.equal(quiet.stdout, ref.stdout);
  assert.equal(quiet.stderr, ref.stderr);
  assert.equal(quiet.status, 3);

  const summary = cli([]);
  assert.equal(summary.stdout, ref.stdout);
  assert.ok(summary.stderr.startsWith(ref.stderr), summary.stderr);
  assert.match(summary.stderr, /program +basics\.wasm \/data\/words\.txt/);
  assert.match(summary.stderr, /exit code +3/);
  assert.match(summary.stderr, /avg access cost/);
  assert.equal(summary.status, 3);

  const json = cli(["--json"]);
  assert.equal(json.status, 3);
  assert.equal(json.stderr, "");
  const parsed = JSON.parse(json.stdout);
  assert.equal(parsed.stdout, ref.stdout);
  assert.equal(parsed.stderr, ref.stderr);
  assert.equal(parsed.exitCode, 3);
  assert.equal(parsed.policy, "counters");
  assert.ok(parsed.accesses > 0 && parsed.modelledCycles > 0);
});

test("the AssemblyScript workloads built as WASI commands print the checksums of their direct runs, with every page local and with 1/8 of the working set", { timeout: 300_000 }, async () => {
  for (const w of Object.values(WORKLOADS)) {
    const n = w.sizes.tiny;
    const direct = await run({ workload: w.name, size: "tiny", policy: "local" });
    assert.ok(direct.verified);
    const file = join(ROOT, "build/wasi", `${w.name}.wasm`);
    const localMem = String(Math.max(2 * 4096, Math.floor(w.workingSetBytes(n) / 8)));
    for (const options of [{ policy: "local" }, { policy: "disk", localMem }, { policy: "counters", localMem }]) {
      const r = await runCommand({ workload: file, ...options }, { args: [String(n), "1"] });
      assert.equal(r.stdout, `${direct.checksum}\n`, `${w.name} under ${options.policy}`);
      assert.equal(r.exitCode, 0);
    }
  }
});

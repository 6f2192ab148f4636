// The mutation check (`npm run mutate`): which small faults of the core (scripts/mutants.ts) the
// test suite notices. A report, not a gate: it exits 0 whatever the score (2 for a bad option).
//
//   node --import tsx scripts/mutate.ts [--only id,...] [--file path] [--jobs N]
//                                       [--tests-from REV] [--timeout-factor F] [--json] [--list]
//
// --tests-from REV runs the tests of an older commit (a "before" score); --list only checks that
// every mutant still applies; --keep leaves the temporary copies. The whole list took 10-12 minutes
// with --jobs 1 on this 2-core machine when it had 60 mutants: a killed mutant 1-10 s, a survivor
// 10-70 s.
//
// Why not StrykerJS: it has no runner for node's own test runner (only a command runner, which
// runs the whole multi-minute suite per mutant), and it mutates by instrumenting JavaScript, so it
// cannot mutate assembly/mmu.ts, which asc compiles to wasm. So the mutants are written by hand,
// each a text replacement with its reason, weighted to the fault path.
//
// How one run goes:
//  1. The checkout is copied (without node_modules, .git, test-output and results; node_modules is
//     a symlink) into a temporary folder: the snapshot every mutant is made against, so edits
//     made to the checkout meanwhile change nothing. --tests-from REV replaces its test/ folder
//     with REV's (git archive). build/mmu.wasm is rebuilt there from the copied assembly/ (the
//     workloads in build/ are taken as they are).
//  2. Each mutant's `find` must occur exactly once in its file, else the mutant is refused
//     ("stale") with one line, and not run.
//  3. Baseline: the first time a mutant needs a test file, the file runs once in the unmutated
//     snapshot. Its time sets the time limit of the mutants' runs of it. Tests that fail there
//     (work in progress, or --tests-from tests that no longer fit the code) are named in a line
//     and passed over in the mutants' runs; a file that cannot run to its end is not used.
//  4. One worker per job, each with its own copy: apply the mutant, rebuild build/mmu.wasm when the
//     mutant is in assembly/ (asc loaded once, in this process), then run the mutant's test files
//     in order, one process each, stopping at the first failing test (a reporter that exits on the
//     first failure). Killed: a test failed; timeout: the files ran past their time limit (the
//     mutant hangs; counted as killed); survived: every file passed. Then the file is restored.
//  5. A table of mutants and a score per core file and overall: killed (timeouts included) over
//     mutants run. Stale mutants and mutants that do not compile are not counted.
//
// The user's checkout is never written to.

import { spawn, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { MUTANTS, TESTS_BY_FILE, type Mutant } from "./mutants.ts";

const ROOT = resolve(new URL("..", import.meta.url).pathname);

// ---- options ----

interface Options {
  only?: string[];
  file?: string;
  jobs: number;
  testsFrom?: string;
  timeoutFactor: number;
  json: boolean;
  list: boolean;
  keep: boolean;
}

const USAGE = "usage: npm run mutate -- [--only id,...] [--file path] [--jobs N] [--tests-from REV] [--timeout-factor F] [--json] [--list] [--keep]";

function badOption(message: string): never {
  process.stderr.write(`mutate: ${message}\n${USAGE}\n`);
  process.exit(2);
}

function parseOptions(argv: string[]): Options {
  const options: Options = { jobs: 1, timeoutFactor: 3, json: false, list: false, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) badOption(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case "--only": options.only = value().split(",").map((s) => s.trim()).filter(Boolean); break;
      case "--file": options.file = value(); break;
      case "--jobs": {
        const v = value();
        options.jobs = Number(v);
        if (!Number.isInteger(options.jobs) || options.jobs < 1 || options.jobs > 16) badOption(`--jobs must be a whole number from 1 to 16, not "${v}"`);
        break;
      }
      case "--tests-from": options.testsFrom = value(); break;
      case "--timeout-factor": {
        const v = value();
        options.timeoutFactor = Number(v);
        if (!(options.timeoutFactor >= 1.5)) badOption(`--timeout-factor must be a number of at least 1.5, not "${v}"`);
        break;
      }
      case "--json": options.json = true; break;
      case "--list": options.list = true; break;
      case "--keep": options.keep = true; break;
      case "--help": case "-h": process.stdout.write(`${USAGE}\n`); process.exit(0);
      default: badOption(`unknown option "${arg}"`);
    }
  }
  return options;
}

// ---- results ----

type Status = "killed" | "survived" | "timeout" | "stale" | "compile-error";

interface Result {
  id: string;
  file: string;
  why: string;
  status: Status;
  /** The test file (and test) that failed, the files still running at the timeout, or why stale. */
  detail: string;
  /** The failing test's message (its first line). */
  message?: string;
  /** Test files that ran (all of them, for a survivor). */
  ran: string[];
  seconds: number;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function occurrences(text: string, find: string): number {
  let n = 0;
  for (let at = text.indexOf(find); at >= 0; at = text.indexOf(find, at + 1)) n++;
  return n;
}

/** Why a mutant cannot be applied to `text`, or null. */
function staleReason(m: Mutant, text: string | undefined): string | null {
  if (text === undefined) return `${m.file} does not exist`;
  if (m.find === m.replace) return "find and replace are the same text";
  const n = occurrences(text, m.find);
  if (n !== 1) return `its find text occurs ${n} times in ${m.file}, not exactly once: ${JSON.stringify(m.find.length > 60 ? `${m.find.slice(0, 60)}...` : m.find)}`;
  return null;
}

function testsOf(m: Mutant): string[] {
  return m.tests ?? TESTS_BY_FILE[m.file] ?? [];
}

// ---- the copies ----

const REPORTER = `// Written by scripts/mutate.ts. Each failing test is named on stderr; the run stops at the first
// one unless MUTATE_KEEP_GOING is set (the baseline), and the tests named in MUTATE_KNOWN_FAILURES
// (those that fail without any mutant) are passed over. The last line says the run got to its end.
const known = new Set(JSON.parse(process.env.MUTATE_KNOWN_FAILURES ?? "[]"));
const keepGoing = process.env.MUTATE_KEEP_GOING === "1";
export default async function* bail(source) {
  for await (const event of source) {
    if (event.type === "test:fail" && !event.data.todo && !known.has(event.data.name)) {
      const err = event.data.details?.error;
      const cause = err?.cause ?? err;
      const lines = String(cause?.message ?? cause ?? "").split("\\n").map((l) => l.trim()).filter(Boolean);
      const message = (lines[0]?.endsWith(":") && lines[1] ? lines[0] + " " + lines[1] : lines[0] ?? "").slice(0, 200);
      process.stderr.write("\\n@@mutate-fail " + JSON.stringify({ test: event.data.name, message }) + "\\n");
      if (!keepGoing) process.exit(1);
    }
  }
  process.stderr.write("\\n@@mutate-done\\n");
}
`;
const REPORTER_FILE = ".mutate-reporter.mjs";
const SKIP_TOP = new Set(["node_modules", ".git", "test-output", "results"]);

function makeCopy(from: string, to: string, fromCheckout: boolean): void {
  cpSync(from, to, {
    recursive: true,
    verbatimSymlinks: true,
    filter: (src) => {
      const rel = relative(from, src);
      const top = rel.split("/")[0];
      return rel === "" || !SKIP_TOP.has(top) || (!fromCheckout && top === "node_modules");
    },
  });
  if (fromCheckout) symlinkSync(join(ROOT, "node_modules"), join(to, "node_modules"), "dir");
  writeFileSync(join(to, REPORTER_FILE), REPORTER);
}

function testsFromRevision(dir: string, rev: string): void {
  const archive = spawnSync("git", ["-C", ROOT, "archive", "--format=tar", rev, "test"], { maxBuffer: 1 << 28 });
  if (archive.status !== 0) throw new Error(`git archive ${rev} test: ${archive.stderr.toString().trim()}`);
  rmSync(join(dir, "test"), { recursive: true, force: true });
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`tar: ${untar.stderr.toString().trim()}`);
}

// asc is loaded once, in this process (loading it takes ~10 s, a compile ~2 s), and builds run one
// at a time.
let ascMain: ((args: string[], options: object) => Promise<{ error: Error | null; stderr: { toString(): string } }>) | undefined;
let buildQueue: Promise<unknown> = Promise.resolve();

function buildMmu(dir: string): Promise<string | null> {
  const job = buildQueue.then(async () => {
    ascMain ??= ((await import("assemblyscript/asc")) as unknown as { default: { main: typeof ascMain } }).default.main;
    const { error, stderr } = await ascMain!([join(dir, "assembly/mmu.ts"), "--baseDir", dir, "--config", join(dir, "asconfig.json"),
      "--target", "mmu", "--outFile", join(dir, "build/mmu.wasm")], {});
    return error ? `${error.message}: ${stderr.toString().split("\n").find((l) => /ERROR/.test(l)) ?? ""}`.trim() : null;
  });
  buildQueue = job.catch(() => undefined);
  return job;
}

// ---- running test files ----

interface FileRun {
  outcome: "pass" | "fail" | "timeout";
  seconds: number;
  /** The first failing test, and its message. */
  test?: string;
  message?: string;
  /** Every failing test (the baseline runs on after a failure). */
  failed: string[];
}

const running = new Set<number>();

function runTestFile(dir: string, file: string, timeoutMs: number, known: string[] = [], keepGoing = false): Promise<FileRun> {
  return new Promise((done) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["--import", "./host/register.mjs", `--test-reporter=./${REPORTER_FILE}`, file], {
      cwd: dir, detached: true, stdio: ["ignore", "ignore", "pipe"],
      env: { ...process.env, FORCE_COLOR: "0", MUTATE_KNOWN_FAILURES: JSON.stringify(known), MUTATE_KEEP_GOING: keepGoing ? "1" : "0" },
    });
    running.add(child.pid!);
    let stderr = "";
    const failures: { test: string; message: string }[] = [];
    let reachedEnd = false;
    let pending = "";
    child.stderr!.on("data", (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith("@@mutate-fail ")) {
          try {
            failures.push(JSON.parse(line.slice("@@mutate-fail ".length)));
          } catch {
            failures.push({ test: "?", message: line.slice("@@mutate-fail ".length, 200) });
          }
        }
        else if (line === "@@mutate-done") reachedEnd = true;
        else stderr = (stderr + line + "\n").slice(-(1 << 16));
      }
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid!);
    }, timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      killGroup(child.pid!); // anything the test file left running
      running.delete(child.pid!);
      const seconds = (performance.now() - t0) / 1000;
      const failed = failures.map((f) => f.test);
      if (timedOut) return done({ outcome: "timeout", seconds, failed });
      if (failures.length > 0) return done({ outcome: "fail", seconds, ...failures[0], failed });
      // Every test passed (or failed as it does without the mutant), and the file ran to its end.
      if (reachedEnd && (code === 0 || known.length > 0)) return done({ outcome: "pass", seconds, failed });
      const last = stderr.trim().split("\n").filter((l) => l.trim() && !/^\s+at /.test(l)).slice(-1)[0] ?? "";
      done({ outcome: "fail", seconds, message: `exit ${code}${last ? `: ${last.trim().slice(0, 200)}` : ""}`, failed });
    });
  });
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

// ---- main ----

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const ids = new Set<string>();
  for (const m of MUTANTS) {
    if (ids.has(m.id)) badOption(`scripts/mutants.ts: mutant id "${m.id}" is used twice`);
    ids.add(m.id);
  }
  let selected = MUTANTS;
  if (options.only) {
    const unknown = options.only.filter((id) => !ids.has(id));
    if (unknown.length > 0) badOption(`unknown mutant id(s): ${unknown.join(", ")}`);
    selected = selected.filter((m) => options.only!.includes(m.id));
  }
  if (options.file) {
    const file = relative(ROOT, resolve(process.cwd(), options.file));
    selected = selected.filter((m) => m.file === file);
    if (selected.length === 0) badOption(`no mutant of ${file}${options.only ? " among --only" : ""}; files with mutants: ${[...new Set(MUTANTS.map((m) => m.file))].join(", ")}`);
  }
  if (options.testsFrom) {
    const rev = spawnSync("git", ["-C", ROOT, "rev-parse", "--verify", "--quiet", `${options.testsFrom}^{commit}`]);
    if (rev.status !== 0) badOption(`--tests-from: "${options.testsFrom}" is not a commit of this repository`);
    options.testsFrom = rev.stdout.toString().trim().slice(0, 12);
  }

  if (options.list) {
    for (const m of selected) {
      const path = join(ROOT, m.file);
      const stale = staleReason(m, existsSync(path) ? readFileSync(path, "utf8") : undefined);
      process.stdout.write(`${m.id.padEnd(32)} ${m.file.padEnd(36)} ${stale ? `STALE: ${stale}` : "ok"}  ${m.why}\n`);
    }
    return;
  }

  const t0 = performance.now();
  const base = mkdtempSync(join(tmpdir(), "remora-mutate-"));
  const cleanup = () => {
    for (const pid of running) killGroup(pid);
    if (!options.keep) rmSync(base, { recursive: true, force: true });
  };
  process.on("SIGINT", () => {
    cleanup();
    process.exit(130);
  });
  try {
    // 1. The snapshot.
    const snapshot = join(base, "snapshot");
    makeCopy(ROOT, snapshot, true);
    if (options.testsFrom) testsFromRevision(snapshot, options.testsFrom);
    // The checkout's build/mmu.wasm may be older than its assembly/ (the workloads are taken as built).
    const error = await buildMmu(snapshot);
    if (error) throw new Error(`the unmutated MMU does not build: ${error}`);
    log(`mutate: ${selected.length} mutant(s), tests ${options.testsFrom ? `of ${options.testsFrom}` : "of the checkout"}, ${options.jobs} job(s), in ${base}`);

    // 2. Stale mutants.
    const results = new Map<string, Result>();
    const sources = new Map<string, string>();
    const runnable: Mutant[] = [];
    for (const m of selected) {
      const path = join(snapshot, m.file);
      if (!sources.has(m.file) && existsSync(path)) sources.set(m.file, readFileSync(path, "utf8"));
      const stale = staleReason(m, sources.get(m.file));
      if (stale) {
        log(`mutate: mutant ${m.id} refused: ${stale}`);
        results.set(m.id, { id: m.id, file: m.file, why: m.why, status: "stale", detail: stale, ran: [], seconds: 0 });
      } else {
        runnable.push(m);
      }
    }

    // 3. The baseline, run in the snapshot when a mutant first needs a test file: its time and the
    // tests that fail without any mutant (passed over in the mutants' runs); null when the file
    // cannot be used (missing, or it fails to run to its end, or every test in it fails).
    const baseline = new Map<string, Promise<Baseline | null>>();
    const baselineOf = (file: string): Promise<Baseline | null> => {
      let known = baseline.get(file);
      if (known === undefined) {
        known = (async () => {
          if (!existsSync(join(snapshot, file))) {
            log(`mutate: ${file} is not among these tests: not used`);
            return null;
          }
          const r = await runTestFile(snapshot, file, 20 * 60_000, [], true);
          if (r.outcome === "pass") {
            log(`mutate: baseline: ${file} passes in ${r.seconds.toFixed(1)} s`);
            return { seconds: r.seconds, knownFailures: [] };
          }
          if (r.outcome === "fail" && r.failed.length > 0) {
            // Run again passing over those tests: the file must then run to its end and pass.
            const again = await runTestFile(snapshot, file, 20 * 60_000, r.failed);
            if (again.outcome === "pass") {
              log(`mutate: baseline: ${file} passes in ${again.seconds.toFixed(1)} s but for ${r.failed.length} test(s) that fail without any mutant, passed over: ${r.failed.map((t) => JSON.stringify(t)).join(", ")}`);
              return { seconds: Math.max(r.seconds, again.seconds), knownFailures: r.failed };
            }
          }
          log(`mutate: baseline: ${file} FAILS without any mutant (${r.test ? `${r.test}: ` : ""}${r.message ?? r.outcome}): not used`);
          return null;
        })();
        baseline.set(file, known);
      }
      return known;
    };

    // 4. The workers, each in its own copy of the snapshot.
    const queue = [...runnable];
    const workers = Array.from({ length: Math.min(options.jobs, queue.length) }, (_, w) => {
      const dir = join(base, `w${w + 1}`);
      makeCopy(snapshot, dir, false);
      return dir;
    });
    let finished = 0;
    await Promise.all(workers.map(async (dir) => {
      for (let m = queue.shift(); m !== undefined; m = queue.shift()) {
        const result = await runMutant(dir, m, sources.get(m.file)!, baselineOf, options.timeoutFactor);
        results.set(m.id, result);
        finished++;
        log(`mutate: [${finished}/${runnable.length}] ${m.id}: ${describe(result)}${result.message ? `: ${result.message}` : ""} (${result.seconds.toFixed(0)} s)`);
      }
    }));
    const baselineSeconds: Record<string, Baseline | null> = {};
    for (const [file, known] of baseline) baselineSeconds[file] = await known;

    // 5. The report.
    const ordered = selected.map((m) => results.get(m.id)!);
    const scores = score(ordered);
    const wallSeconds = (performance.now() - t0) / 1000;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ testsFrom: options.testsFrom ?? null, wallSeconds, baseline: baselineSeconds, mutants: ordered, ...scores }, null, 2)}\n`);
    } else {
      process.stdout.write(report(ordered, scores, options.testsFrom, wallSeconds));
    }
  } finally {
    cleanup();
  }
}

interface Baseline {
  seconds: number;
  knownFailures: string[];
}

async function runMutant(dir: string, m: Mutant, original: string, baselineOf: (file: string) => Promise<Baseline | null>,
  factor: number): Promise<Result> {
  const t0 = performance.now();
  const path = join(dir, m.file);
  const inMmu = m.file.startsWith("assembly/");
  const wasmPath = join(dir, "build/mmu.wasm");
  const wasm = inMmu ? readFileSync(wasmPath) : undefined;
  const result: Result = { id: m.id, file: m.file, why: m.why, status: "survived", detail: "", ran: [], seconds: 0 };
  let baselineSeconds = 0;
  writeFileSync(path, original.replace(m.find, () => m.replace));
  try {
    if (inMmu) {
      const error = await buildMmu(dir);
      if (error) {
        result.status = "compile-error";
        result.detail = error;
        return result;
      }
    }
    for (const file of testsOf(m)) {
      // Measured before the mutant's run (and not counted in its time).
      const t1 = performance.now();
      const expected = await baselineOf(file);
      baselineSeconds += (performance.now() - t1) / 1000;
      if (expected === null) continue;
      // A time limit per file: its baseline time, stretched (a mutant that hangs is stopped).
      const limitMs = expected.seconds * 1000 * factor + 30_000;
      const r = await runTestFile(dir, file, limitMs, expected.knownFailures);
      result.ran.push(file);
      if (r.outcome === "fail") {
        result.status = "killed";
        result.detail = `${file}${r.test ? ` › ${r.test}` : ""}`;
        result.message = r.message;
        return result;
      }
      if (r.outcome === "timeout") {
        result.status = "timeout";
        result.detail = `${file} still running after ${(limitMs / 1000).toFixed(0)} s`;
        return result;
      }
    }
    if (result.ran.length === 0) result.detail = "no test file to run";
    return result;
  } finally {
    writeFileSync(path, original);
    if (wasm) writeFileSync(wasmPath, wasm);
    result.seconds = (performance.now() - t0) / 1000 - baselineSeconds;
  }
}

function describe(r: Result): string {
  switch (r.status) {
    case "killed": return `killed by ${r.detail}`;
    case "timeout": return `timeout (${r.detail})`;
    case "survived": return `survived${r.detail ? ` (${r.detail})` : ` ${r.ran.length} test file(s)`}`;
    case "stale": return `stale: ${r.detail}`;
    case "compile-error": return `does not compile: ${r.detail}`;
  }
}

interface Score { mutants: number; killed: number; timeout: number; survived: number; notRun: number; score: number | null }

function score(results: Result[]): { files: Record<string, Score>; overall: Score } {
  const tally = (rs: Result[]): Score => {
    const killed = rs.filter((r) => r.status === "killed").length;
    const timeout = rs.filter((r) => r.status === "timeout").length;
    const survived = rs.filter((r) => r.status === "survived").length;
    const counted = killed + timeout + survived;
    return { mutants: rs.length, killed, timeout, survived, notRun: rs.length - counted, score: counted > 0 ? (killed + timeout) / counted : null };
  };
  const files: Record<string, Score> = {};
  for (const file of [...new Set(results.map((r) => r.file))]) files[file] = tally(results.filter((r) => r.file === file));
  return { files, overall: tally(results) };
}

function report(results: Result[], scores: ReturnType<typeof score>, testsFrom: string | undefined, wallSeconds: number): string {
  const lines: string[] = [];
  const idWidth = Math.max(6, ...results.map((r) => r.id.length));
  const fileWidth = Math.max(4, ...results.map((r) => r.file.length));
  lines.push(`Mutants of the core, tests ${testsFrom ? `of ${testsFrom}` : "of the checkout"} (${(wallSeconds / 60).toFixed(1)} min)`, "");
  lines.push(`${"mutant".padEnd(idWidth)}  ${"file".padEnd(fileWidth)}  ${"time".padStart(5)}  status`);
  for (const r of results) {
    const status = describe(r);
    lines.push(`${r.id.padEnd(idWidth)}  ${r.file.padEnd(fileWidth)}  ${`${r.seconds.toFixed(0)}s`.padStart(5)}  ${status.length > 110 ? `${status.slice(0, 107)}...` : status}`);
  }
  lines.push("", `${"file".padEnd(fileWidth)}  mutants  killed  timeout  survived  not run  score`);
  const row = (name: string, s: Score) => `${name.padEnd(fileWidth)}  ${String(s.mutants).padStart(7)}  ${String(s.killed).padStart(6)}  ${String(s.timeout).padStart(7)}  ${String(s.survived).padStart(8)}  ${String(s.notRun).padStart(7)}  ${s.score === null ? "-" : `${(100 * s.score).toFixed(0)}%`.padStart(5)}`;
  for (const [file, s] of Object.entries(scores.files)) lines.push(row(file, s));
  lines.push(row("overall", scores.overall));
  const survivors = results.filter((r) => r.status === "survived");
  if (survivors.length > 0) {
    lines.push("", "Survived (no test noticed):");
    for (const r of survivors) lines.push(`  ${r.id}: ${r.why}`);
  }
  return `${lines.join("\n")}\n`;
}

await main();

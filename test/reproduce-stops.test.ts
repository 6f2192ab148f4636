// `remora reproduce` stopped half-way: Ctrl-C writes the experiments whose runs all finished and
// nothing of the others, and a run that fails keeps its experiment from being written while the
// others are. Every wait is bounded.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import binaryen from "../host/instrument/binaryen.ts";
import type { Experiment, Job } from "../bench/experiments/experiment.ts";
import { EXPERIMENTS } from "../bench/experiments/index.ts";
import { checkReproduceOptions, reproduce } from "../bench/reproduce.ts";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = tempDir("stops");
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/** How reproduce names a run in its progress lines. */
const describe = (job: Job): string => Object.values(job.key).join(" ");
const PROGRESS = /^\[(\d+)\/(\d+)\] (.*) \(\d+ s, about \d+ s left\)$/;

/** An experiment's files are complete: every run is there and verified, the CSV has a line each. */
function assertComplete(dir: string, name: string, runs: number): void {
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  assert.equal(json.experiment, name);
  assert.equal(json.runs.length, runs, `${name}.json has all ${runs} runs`);
  assert.ok(json.runs.every((r: { figures: { verified: boolean } }) => r.figures.verified), `${name}: every run verified`);
  const csv = readFileSync(join(dir, `${name}.csv`), "utf8").trim().split("\n");
  assert.equal(csv.length, runs + 1, `${name}.csv has a header and a line per run`);
}

test("Ctrl-C in reproduce exits 130 with one line saying so, writes the experiments that finished, complete, and nothing of the others", { timeout: 150_000 }, async (t) => {
  const only = ["anemone-latency", "anemone-concurrent"];
  const planned = new Map(only.map((name) => [name, EXPERIMENTS[name].jobs(true).map(describe)]));
  const out = join(TMP, "interrupted");
  const child = spawn(process.execPath, ["bin/remora", "reproduce", "--quick", "--jobs", "1", "--out", out, "--only", only.join(",")], { cwd: ROOT });
  let stdout = "";
  let stderr = "";
  const finishedRuns = () => new Set(stderr.split("\n").map((l) => PROGRESS.exec(l)?.[3]).filter((d) => d !== undefined));
  const complete = () => {
    const done = finishedRuns();
    return only.filter((name) => planned.get(name)!.every((d) => done.has(d)));
  };
  // The results are written only when the runs end, so the progress lines tell when one
  // experiment has all its runs: Ctrl-C at once, as that line arrives, while the next run is on.
  let interruptedAfter: string[] | null = null;
  let signalled = () => {};
  const sigintSent = new Promise<void>((resolve) => { signalled = resolve; });
  child.stdout.setEncoding("utf8").on("data", (s: string) => { stdout += s; });
  child.stderr.setEncoding("utf8").on("data", (s: string) => {
    stderr += s;
    if (interruptedAfter === null && complete().length > 0) {
      interruptedAfter = complete();
      child.kill("SIGINT");
      signalled();
    }
  });
  // Bounded: 110 s to finish one experiment, then 30 s to stop; past that, SIGKILL (and the
  // assertions below fail).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  let timer = setTimeout(() => child.kill("SIGKILL"), 110_000);
  await Promise.race([sigintSent, exited]);
  clearTimeout(timer);
  timer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  const { code, signal } = await exited;
  clearTimeout(timer);

  assert.ok(interruptedAfter !== null, `reproduce ended (${code}, ${signal}) before any experiment finished\nstderr:\n${stderr}`);
  assert.equal(signal, null, `reproduce ended by ${signal} (not within 30 s of Ctrl-C?)\nstderr:\n${stderr}`);
  assert.equal(code, 130, stderr);
  // What finished is what the progress lines reported (a run that ends after Ctrl-C is not reported,
  // and not counted).
  const written = complete();
  const unwritten = only.filter((name) => !written.includes(name));
  assert.ok(written.length >= 1 && unwritten.length >= 1, `finished: ${written.join(", ")}`);
  t.diagnostic(`finished before Ctrl-C: ${written.join(", ")}; not: ${unwritten.join(", ")}; at Ctrl-C: ${interruptedAfter}`);

  const lines = stderr.trimEnd().split("\n");
  const interrupted = lines.filter((l) => /interrupted/.test(l));
  assert.deepEqual(interrupted, ["remora: interrupted; finished experiments were written, the others were not"]);
  for (const line of lines) {
    if (PROGRESS.test(line) || line === interrupted[0]) continue;
    assert.match(line, new RegExp(`^remora: not reproduced: (${unwritten.join("|")}): \\d+ of \\d+ runs did not finish$`), "every other stderr line");
  }
  for (const name of unwritten) assert.ok(lines.some((l) => l.startsWith(`remora: not reproduced: ${name}: `)), `stderr names ${name}`);

  for (const name of written) assertComplete(out, name, planned.get(name)!.length);
  const files = readdirSync(out).sort();
  for (const name of unwritten) {
    assert.ok(!files.some((f) => f.startsWith(`${name}.`)), `nothing of ${name} is written: ${files.join(", ")}`);
  }
  // The playground's folder comes with the dashboard (bench/web/playground-files.ts).
  assert.deepEqual(files, [...written.flatMap((n) => [`${n}.csv`, `${n}.json`]), "dashboard.html", "playground", "summary.md"].sort());
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  for (const name of unwritten) assert.match(summary, new RegExp(`^- ${name}: \\d+ of \\d+ runs did not finish$`, "m"));
  assert.match(stdout, /^\| figure \| paper \| ours \| ours \/ paper \|$/m);
});

/** A workload-shaped module, run(n, seed), whose every run traps: a load far outside its memory. */
function trappingWorkload(): string {
  const m = binaryen.parseText(`(module
    (memory (export "memory") 1)
    (func (export "run") (param i32 i32) (result i32)
      (i32.load (i32.const 0x7fff0000))))`);
  try {
    const path = join(TMP, "traps.wasm");
    writeFileSync(path, m.emitBinary());
    return path;
  } finally {
    m.dispose();
  }
}

// reproduce() runs experiments of the registry by name; two made-up ones are registered for this
// test (and removed after it): one whose run succeeds, and one that shares that run and adds one
// that traps.
test("a run that fails leaves its experiment unwritten, names it in failed, and the other experiments are written", { timeout: 120_000 }, async () => {
  const good: Job = { key: { workload: "trans" }, options: { workload: "trans", size: "tiny", policy: "disk", localPages: 64 } };
  const bad: Job = { key: { workload: "traps" }, options: { workload: trappingWorkload(), n: 1, policy: "disk", localPages: 4 } };
  const experiment = (name: string, jobs: Job[]): Experiment => ({
    name, title: name, source: "test", jobs: () => jobs,
    summary: (results) => [{ figure: `${name}: runs`, paper: "-", paperValue: null, ours: results.length, unit: "runs" }],
  });
  const added = [experiment("test-succeeds", [good]), experiment("test-traps", [good, bad])];
  for (const e of added) EXPERIMENTS[e.name] = e;
  const out = join(TMP, "failed");
  try {
    // As the command line does: the names checked, the folder made.
    const checked = checkReproduceOptions({ only: added.map((e) => e.name).join(","), jobs: "1", out });
    const result = await reproduce({ quick: true, ...checked, progress: quiet });
    assert.equal(result.interrupted, false);
    assert.equal(result.failed.length, 1, result.failed.join("\n"));
    assert.match(result.failed[0], /^test-traps: 1 of 2 runs failed \(memory access out of bounds: 4 bytes at virtual address 0x7fff0000\)$/);
    assert.deepEqual(result.summary.map((r) => r.figure), ["test-succeeds: runs"]);
  } finally {
    for (const e of added) delete EXPERIMENTS[e.name];
  }
  assert.deepEqual(readdirSync(out).sort(), ["dashboard.html", "playground", "summary.md", "test-succeeds.csv", "test-succeeds.json"]);
  assertComplete(out, "test-succeeds", 1);
  assert.equal(existsSync(join(out, "test-traps.json")), false);
  const summary = readFileSync(join(out, "summary.md"), "utf8");
  assert.match(summary, /^- test-traps: 1 of 2 runs failed \(memory access out of bounds/m);
});

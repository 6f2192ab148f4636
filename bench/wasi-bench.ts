// `remora bench --wasi`: how much slower a C program runs inside remora than under plain node:wasi.
// Each kernel of bench/c/ (or of --kernels DIR) is built with clang into build/bench-c/, then run
// `repetitions` times on each side, interleaved: under node:wasi in a child process of its own
// each time, and under remora in this process (runCommand with policy local: every page resident,
// the instrumented module from the module cache). A kernel times only its own loop
// (clock_gettime around it) and prints `kernel_ns=<ns> checksum=<...>`: the slowdown is the ratio
// of the medians of those times, so neither start-up, instrumenting nor initialisation counts.
// bench/c/README.md has the kernels' conventions. A benchmark: it measures; a checksum that
// differs between the two sides is reported, not thrown.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { basename, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, resolveConfig } from "../host/config.ts";
import { prepare } from "../host/modules.ts";
import { atRoot } from "../host/paths.ts";
import { formatTable } from "../host/table.ts";
import { runCommand, TRAP_EXIT_CODE } from "../host/wasi/command.ts";
import { collectGarbage, median, settle } from "./bench.ts";
import { buildC, clangProblem, isStale } from "./clang.ts";

/** The corpus; bench/c/held-out/ is the held-out set (bench/c/README.md). */
export const DEFAULT_KERNELS = fileURLToPath(atRoot("bench/c/"));

export interface Kernel {
  name: string;
  source: string;
  wasm: string;
  /** The size argument given by the kernel's "test size: N" comment (a run of milliseconds), or null. */
  testSize: string | null;
}

/** A kernel's one line of output. */
export interface KernelOutput {
  kernelNs: number;
  checksum: string;
}

export interface WasiBenchRow {
  kernel: string;
  /** The kernel's arguments after its name; none: its default size. */
  args: string[];
  /** The checksum under node:wasi, and the first one under remora that differs from it (or the same). */
  checksum: string;
  remoraChecksum: string;
  /** Every run of both sides, warm-ups included, printed the same checksum. */
  verified: boolean;
  /** Medians of the kernel's own timer over the repetitions, in ns. */
  nativeKernelNs: number;
  remoraKernelNs: number;
  /** remoraKernelNs / nativeKernelNs. */
  slowdown: number;
  /** Of the last remora run (printf's digits make the counts vary by a few between runs). */
  accesses: number;
  tlbMisses: number;
  tlbMissRate: number;
  nativeRunsNs: number[];
  remoraRunsNs: number[];
}

export interface WasiBenchReport {
  kernelsDir: string;
  /** "default": each kernel's default size; "test": its test size. */
  size: "default" | "test";
  repetitions: number;
  policy: "local";
  rows: WasiBenchRow[];
  geomeanSlowdown: number;
  maxSlowdown: number;
  maxSlowdownKernel: string;
  machine: { node: string; cpus: string; cores: number };
}

/** The kernels (NAME.c) of a folder, sorted by name, or those named in `only`. */
export function findKernels(dir: string = DEFAULT_KERNELS, only?: string[]): Kernel[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ConfigError(`--kernels ${dir}: no such folder`);
  const names = readdirSync(dir).filter((f) => f.endsWith(".c")).map((f) => f.slice(0, -2)).sort();
  if (names.length === 0) throw new ConfigError(`--kernels ${dir}: no kernels in it (C files NAME.c)`);
  for (const name of only ?? []) {
    if (!names.includes(name)) throw new ConfigError(`--only: no kernel "${name}" in ${dir}: choose from ${names.join(", ")}`);
  }
  const out = buildDir(dir);
  return names.filter((name) => !only || only.includes(name)).map((name) => {
    const source = join(dir, `${name}.c`);
    const testSize = /test size: (\d+)/.exec(readFileSync(source, "utf8"))?.[1] ?? null;
    return { name, source, wasm: join(out, `${name}.wasm`), testSize };
  });
}

/** build/bench-c/ for bench/c/, build/bench-c/held-out/ for bench/c/held-out/; a folder elsewhere
 *  gets build/bench-c/other-HASH/, named by a hash of its path. */
function buildDir(dir: string): string {
  const rel = relative(DEFAULT_KERNELS, resolve(dir));
  const sub = rel.startsWith("..") || isAbsolute(rel) ? `other-${createHash("sha256").update(resolve(dir)).digest("hex").slice(0, 12)}` : rel;
  return join(fileURLToPath(atRoot("build/bench-c/")), sub);
}

/** Builds each kernel whose .wasm is missing or older than its source; clang is looked for only
 *  when one must be built. */
export function buildKernels(kernels: Kernel[]): void {
  const stale = kernels.filter((k) => isStale(k.source, k.wasm));
  if (stale.length === 0) return;
  const problem = clangProblem();
  if (problem) throw new Error(problem);
  for (const k of stale) buildC(k.source, k.wasm);
}

/** Each kernel instrumented for remora (or read from the module cache) and compiled, a few at a
 *  time: a module is instrumented in a child process, so on a cold cache the cores work at once. */
export async function prepareKernels(kernels: Kernel[]): Promise<void> {
  const queue = [...kernels];
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), queue.length) }, async () => {
    for (let k = queue.shift(); k !== undefined; k = queue.shift()) await prepare(resolveConfig({ workload: k.wasm, policy: "local" }));
  }));
}

/** The arguments a kernel runs with at a size: none (its default) or its test size. */
export function kernelArgs(k: Kernel, size: "default" | "test"): string[] {
  if (size === "default") return [];
  if (k.testSize === null) throw new ConfigError(`${k.source} gives no "test size: N" in its top comment`);
  return [k.testSize];
}

const LINE = /^kernel_ns=(\d+) checksum=(\S+)\n$/;

/** A kernel's stdout, which must be exactly its one line. */
export function parseOutput(kernel: string, side: string, stdout: string): KernelOutput {
  const m = LINE.exec(stdout);
  if (!m) throw new Error(`${kernel} under ${side} printed ${JSON.stringify(stdout.slice(0, 200))}, not one line "kernel_ns=<integer> checksum=<...>"`);
  return { kernelNs: Number(m[1]), checksum: m[2] };
}

// The native side: node:wasi in a fresh process, as a user runs a program, with remora's V8 flags
// that matter here (bench.ts and host/modules.ts): --no-liftoff, so that a kernel's loop, entered
// once, runs optimized code from the start on both sides. And --no-turbo-fast-api-calls: Node 20's
// node:wasi aborts the process (uv_mutex_destroy in ~WASI) when V8 collects garbage inside a fast
// API call from wasm, which an fd_write does under external memory pressure once the program's
// memory passes 32 MiB; as plain API calls the imports are safe.
const NATIVE_FLAGS = ["--no-liftoff", "--no-turbo-fast-api-calls", "--no-warnings"];
const NATIVE_RUNNER = `
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";
const [file, program, ...args] = process.argv.slice(1);
const wasi = new WASI({ version: "preview1", args: [program, ...args], env: {}, returnOnExit: true });
try {
  process.exitCode = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), wasi.getImportObject()));
} catch (e) {
  process.stderr.write(\`trap: \${e.message}\\n\`);
  process.exitCode = ${TRAP_EXIT_CODE};
}
`;

/** One run of a WASI command under plain node:wasi, in a child process: no directories, an empty
 *  environment and stdin; its exit code, stdout and stderr. */
export function runNative(wasm: string, args: string[]): { stdout: string; stderr: string; exitCode: number } {
  const r = spawnSync(process.execPath, [...NATIVE_FLAGS, "--input-type=module", "-e", NATIVE_RUNNER, wasm, basename(wasm), ...args], {
    encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 * 2 ** 20,
  });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, exitCode: r.status ?? TRAP_EXIT_CODE };
}

function nativeRun(k: Kernel, args: string[]): KernelOutput {
  const r = runNative(k.wasm, args);
  if (r.exitCode !== 0) throw new Error(`${k.name} exited with ${r.exitCode} under node:wasi${r.stderr ? `: ${r.stderr.trim()}` : ""}`);
  return parseOutput(k.name, "node:wasi", r.stdout);
}

async function remoraRun(k: Kernel, args: string[]): Promise<KernelOutput & { accesses: number; tlbMisses: number }> {
  const r = await runCommand({ workload: k.wasm, policy: "local" }, { args });
  if (r.exitCode !== 0) {
    throw new Error(`${k.name} ${r.trap !== null ? `trapped under remora: ${r.trap}` : `exited with ${r.exitCode} under remora`}${r.stderr ? `: ${r.stderr.trim()}` : ""}`);
  }
  return { ...parseOutput(k.name, "remora", r.stdout), accesses: r.accesses, tlbMisses: r.tlbMisses };
}

export async function benchWasi(options: {
  kernelsDir?: string;
  only?: string[];
  repetitions?: number;
  size?: "default" | "test";
  onRow?: (row: WasiBenchRow) => void;
} = {}): Promise<WasiBenchReport> {
  const repetitions = options.repetitions ?? 5;
  const size = options.size ?? "default";
  const kernelsDir = options.kernelsDir ?? DEFAULT_KERNELS;
  const kernels = findKernels(kernelsDir, options.only);
  for (const k of kernels) kernelArgs(k, size); // a missing test size is said before anything runs
  buildKernels(kernels);
  // Every module instrumented (or read from the module cache) and compiled first, then a quiet
  // machine: V8 keeps compiling in the background for a while (bench.ts).
  await prepareKernels(kernels);
  await settle();

  const rows: WasiBenchRow[] = [];
  for (const k of kernels) {
    const args = kernelArgs(k, size);
    const nativeRuns: KernelOutput[] = [];
    const remoraRuns: (KernelOutput & { accesses: number; tlbMisses: number })[] = [];
    // One warm-up of each side, then the timed runs, interleaved so that both see the same machine
    // state, with the garbage of earlier remora runs (their wasm memories) collected before each.
    for (let i = 0; i <= repetitions; i++) {
      collectGarbage();
      nativeRuns.push(nativeRun(k, args));
      collectGarbage();
      remoraRuns.push(await remoraRun(k, args));
    }
    const checksum = nativeRuns[0].checksum;
    const differing = [...nativeRuns, ...remoraRuns].find((r) => r.checksum !== checksum);
    const nativeRunsNs = nativeRuns.slice(1).map((r) => r.kernelNs);
    const remoraRunsNs = remoraRuns.slice(1).map((r) => r.kernelNs);
    const last = remoraRuns[remoraRuns.length - 1];
    const row: WasiBenchRow = {
      kernel: k.name,
      args,
      checksum,
      remoraChecksum: remoraRuns.find((r) => r.checksum !== checksum)?.checksum ?? checksum,
      verified: differing === undefined,
      nativeKernelNs: median(nativeRunsNs),
      remoraKernelNs: median(remoraRunsNs),
      // A kernel too small to measure (0 ns natively) would divide by zero: 1 ns at least.
      slowdown: median(remoraRunsNs) / Math.max(1, median(nativeRunsNs)),
      accesses: last.accesses,
      tlbMisses: last.tlbMisses,
      tlbMissRate: last.accesses > 0 ? last.tlbMisses / last.accesses : 0,
      nativeRunsNs,
      remoraRunsNs,
    };
    rows.push(row);
    options.onRow?.(row);
  }
  const max = rows.reduce((a, r) => (r.slowdown > a.slowdown ? r : a));
  return {
    kernelsDir: relative(process.cwd(), kernelsDir) || ".",
    size,
    repetitions,
    policy: "local",
    rows,
    geomeanSlowdown: Math.exp(rows.reduce((a, r) => a + Math.log(r.slowdown), 0) / rows.length),
    maxSlowdown: max.slowdown,
    maxSlowdownKernel: max.kernel,
    machine: { node: process.version, cpus: cpus()[0]?.model ?? "unknown", cores: cpus().length },
  };
}

/** Nanoseconds as milliseconds, with three decimals below 10 ms (the test sizes). */
const ms = (ns: number): string => (ns / 1e6).toFixed(ns < 1e7 ? 3 : 1);

/** The report as the plain-text table of `remora bench --wasi`. */
export function formatWasiBench(report: WasiBenchReport): string {
  const table = formatTable(
    ["kernel", "args", "native ms", "remora ms", "slowdown", "accesses", "TLB misses", "miss rate", "checksum"],
    report.rows.map((r) => [
      r.kernel, r.args.join(" ") || "-", ms(r.nativeKernelNs), ms(r.remoraKernelNs),
      `${r.slowdown.toFixed(2)}x`, String(r.accesses), String(r.tlbMisses), `${(r.tlbMissRate * 100).toFixed(1)}%`,
      r.verified ? "same" : `DIFFERS: ${r.checksum} vs ${r.remoraChecksum}`,
    ]),
  );
  return `${table}\n\ngeomean slowdown ${report.geomeanSlowdown.toFixed(2)}x, max ${report.maxSlowdown.toFixed(2)}x (${report.maxSlowdownKernel}); ` +
    `median of ${report.repetitions} kernel times on each side, remora --policy ${report.policy}, kernels ${report.kernelsDir}` +
    `${report.size === "test" ? " at their test sizes" : ""}, ${report.machine.cpus}, node ${report.machine.node}`;
}

// The instrumenting child process (child.ts), started where remora needs it, or earlier: bin/remora
// starts one before it loads the command line when `remora run` is given a .wasm file, so that its
// node and binaryen start while remora's own do. modules.ts takes that one, if there is one; a
// module found in the cache needs none, and it is killed. Its input, on stdin: a line of JSON
// ({ pageSize, prefix }), then the module's bytes (child.ts); on stdout, DONE once the
// instrumented module is written.
import { spawn, type ChildProcess } from "node:child_process";
import { packageModule, workerExecArgv } from "../paths.ts";

/** What the child writes on stdout when the instrumented module is on disk. */
export const DONE = "instrumented\n";

const PREWARMED = Symbol.for("remora.instrumenter");
const slot = globalThis as unknown as Record<symbol, ChildProcess | undefined>;

// binaryen's wasm module runs on V8's baseline tier only: optimizing its hot functions in the
// background took both cores for most of an instrumenting run, and the child's exit waited for
// them. clocks.wasm (149 KB) instrumented in 0.24 s rather than 0.40 s, binaryen's own 9.9 MB
// module in 72 s as in 71 s (bench/RESULTS.md, "Start-up").
const CHILD_FLAGS = ["--liftoff-only"];

function spawnInstrumenter(): ChildProcess {
  return spawn(process.execPath, [...CHILD_FLAGS, ...workerExecArgv(true), packageModule("host/instrument/child").pathname],
    { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, REMORA_INSTRUMENTER: "1" } });
}

/** Starts a child now, for takeInstrumenter() later. It keeps no one waiting: unused, it is
 *  killed when remora exits (an empty stdin would end it too). */
export function prewarmInstrumenter(): void {
  const child = spawnInstrumenter();
  child.on("error", () => {}); // reported when taken, by its exit
  setReferenced(child, false);
  process.on("exit", () => child.kill());
  slot[PREWARMED] = child;
}

/** The prewarmed child, or a new one. */
export function takeInstrumenter(): ChildProcess {
  const child = slot[PREWARMED];
  slot[PREWARMED] = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return spawnInstrumenter();
  setReferenced(child, true);
  return child;
}

/** Kills the prewarmed child, if any: the module was in the cache. */
export function discardInstrumenter(): void {
  slot[PREWARMED]?.kill();
  slot[PREWARMED] = undefined;
}

/** The child's end: exit code 0 as soon as it writes DONE, and then it is killed; otherwise its
 *  exit code or signal. A Node process's own exit waits for V8's background work: it took the
 *  child 80 ms after its last statement while V8 still optimized binaryen's code (8% of a first
 *  run, before CHILD_FLAGS); SIGKILL leaves the rest to the kernel. */
export function instrumenterDone(child: ChildProcess): Promise<[number | null, NodeJS.Signals | null]> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out !== DONE) return;
      resolve([0, null]);
      child.kill("SIGKILL");
    });
    child.on("error", reject).on("close", (code, signal) => resolve([code, signal]));
  });
}

function setReferenced(child: ChildProcess, on: boolean): void {
  for (const handle of [child, child.stdin, child.stdout, child.stderr] as ({ ref(): void; unref(): void } | null)[]) {
    if (on) handle?.ref();
    else handle?.unref();
  }
}

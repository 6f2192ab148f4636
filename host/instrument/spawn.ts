// The instrumenting child process (child.ts), started where remora needs it, or earlier: bin/remora
// starts one before it loads the command line when `remora run` is given a .wasm file, so that its
// node and binaryen start while remora's own do. modules.ts takes that one, if there is one; a
// module found in the cache needs none, and it is killed. Its input, on stdin: a line of JSON
// ({ pageSize, prefix }), then the module's bytes (child.ts).
import { spawn, type ChildProcess } from "node:child_process";
import { packageModule, workerExecArgv } from "../paths.ts";

const PREWARMED = Symbol.for("remora.instrumenter");
const slot = globalThis as unknown as Record<symbol, ChildProcess | undefined>;

function spawnInstrumenter(): ChildProcess {
  return spawn(process.execPath, [...workerExecArgv(true), packageModule("host/instrument/child").pathname],
    { stdio: ["pipe", "ignore", "pipe"], env: { ...process.env, REMORA_INSTRUMENTER: "1" } });
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

function setReferenced(child: ChildProcess, on: boolean): void {
  for (const handle of [child, child.stdin, child.stderr] as ({ ref(): void; unref(): void } | null)[]) {
    if (on) handle?.ref();
    else handle?.unref();
  }
}

// Where modules come from: built workloads (build/workloads/<name>.wasm) or a user's .wasm file,
// each instrumented once per page size and process.
import { existsSync, readFileSync } from "node:fs";
import v8 from "node:v8";
import { ConfigError, type RunConfig } from "./config.ts";
import { instrument, type Instrumented } from "./instrument.ts";
import { PREVIEW1 } from "./wasi/preview1.ts";

// V8 reads the branch hints the instrumenter writes (fast path likely) only with this flag, which
// must be set before the first module is compiled.
v8.setFlagsFromString("--experimental-wasm-branch-hinting");

const BUILD = new URL("../build/workloads/", import.meta.url);

export interface Prepared {
  /** A workload exports run(n, seed); a WASI command exports _start. */
  kind: "workload" | "command";
  native: WebAssembly.Module;
  instrumented: Instrumented;
  trapped: WebAssembly.Module;
}

const cache = new Map<string, Prepared>();

export function moduleBytes(config: Pick<RunConfig, "workload" | "file">): Uint8Array<ArrayBuffer> {
  const path = config.file ?? new URL(`${config.workload}.wasm`, BUILD).pathname;
  if (!existsSync(path)) {
    throw new ConfigError(config.file ? `no such file: ${path}` : `workload ${config.workload} is not built: run npm run build`);
  }
  return new Uint8Array(readFileSync(path));
}

/** The native and the instrumented module for a config (instruments on first use). */
export function prepare(config: Pick<RunConfig, "workload" | "file" | "pageSizeBytes">): Prepared {
  const key = `${config.file ?? config.workload}@${config.pageSizeBytes}`;
  let prepared = cache.get(key);
  if (!prepared) {
    const bytes = moduleBytes(config);
    const instrumented = instrument(bytes, config.pageSizeBytes);
    // From here on, optimized code from the first run, for native and instrumented modules alike.
    // By default V8 compiles a function at its first call on baseline code (Liftoff) and swaps in
    // optimized code only at a later call: a workload's run() is one call, so a run stayed on
    // baseline code (`remora run gauss`: 2.1 s instead of 1.3 s). Set once binaryen has run: its
    // own functions, compiled this way, add 2 s to every start.
    v8.setFlagsFromString("--no-liftoff");
    const native = new WebAssembly.Module(bytes);
    prepared = {
      kind: checkInterface(native),
      native,
      instrumented,
      trapped: new WebAssembly.Module(instrumented.binary as Uint8Array<ArrayBuffer>),
    };
    cache.set(key, prepared);
  }
  return prepared;
}

/** What a module may import: a workload, AssemblyScript's abort; a WASI command, the
 *  wasi_snapshot_preview1 calls. Anything else is named and refused before running. */
function checkInterface(module: WebAssembly.Module): Prepared["kind"] {
  const exports = WebAssembly.Module.exports(module);
  const isCommand = exports.some((e) => e.name === "_start" && e.kind === "function");
  const provided = (i: WebAssembly.ModuleImportDescriptor) => i.kind === "function" && (isCommand
    ? i.module === "wasi_snapshot_preview1" && Object.hasOwn(PREVIEW1, i.name)
    : i.module === "env" && i.name === "abort");
  const missing = WebAssembly.Module.imports(module).filter((i) => !provided(i)).map((i) => `${i.module}.${i.name} (${i.kind})`);
  if (missing.length > 0) {
    const offer = isCommand ? "the wasi_snapshot_preview1 calls" : "env.abort";
    throw new ConfigError(`the module imports ${missing.join(", ")}, which remora does not provide (it provides ${offer})`);
  }
  if (isCommand) return "command";
  const run = exports.find((e) => e.name === "run");
  if (run?.kind !== "function") throw new ConfigError("the module exports neither a function run(n, seed) nor a WASI _start");
  return "workload";
}

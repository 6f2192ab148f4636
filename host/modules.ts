// Where modules come from: built workloads (build/workloads/<name>.wasm) or a user's .wasm file,
// each instrumented once per page size and process.
import { existsSync, readFileSync } from "node:fs";
import v8 from "node:v8";
import { ConfigError, type RunConfig } from "./config.ts";
import { instrument, type Instrumented } from "./instrument.ts";

// V8 reads the branch hints the instrumenter writes (fast path likely) only with this flag, which
// must be set before the first module is compiled.
v8.setFlagsFromString("--experimental-wasm-branch-hinting");

const BUILD = new URL("../build/workloads/", import.meta.url);

export interface Prepared {
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
    checkImports(new WebAssembly.Module(bytes));
    prepared = {
      native: new WebAssembly.Module(bytes),
      instrumented,
      trapped: new WebAssembly.Module(instrumented.binary as Uint8Array<ArrayBuffer>),
    };
    cache.set(key, prepared);
  }
  return prepared;
}

/** What a module may import: AssemblyScript's abort. Anything else is named and refused before
 *  running (WASI programs come with a later version). */
const PROVIDED = new Set(["env.abort"]);

function checkImports(module: WebAssembly.Module): void {
  const missing = WebAssembly.Module.imports(module)
    .filter((i) => !(i.kind === "function" && PROVIDED.has(`${i.module}.${i.name}`)))
    .map((i) => `${i.module}.${i.name} (${i.kind})`);
  if (missing.length > 0) {
    throw new ConfigError(`the module imports ${missing.join(", ")}, which remora does not provide (it provides env.abort)`);
  }
  const run = WebAssembly.Module.exports(module).find((e) => e.name === "run");
  if (run?.kind !== "function") throw new ConfigError("the module does not export a function run(n, seed)");
}

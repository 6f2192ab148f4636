// What kind of module a user's or a built-in .wasm is, checked before it runs: shared by the
// Node and the browser preparation of modules (host/modules.ts, host/browser/modules.ts).
import { ConfigError } from "./config.ts";
import { PREVIEW1 } from "./wasi/preview1.ts";

/** What a module may import: a workload, AssemblyScript's abort; a WASI command, the
 *  wasi_snapshot_preview1 calls. Anything else is named and refused before running. */
export function checkInterface(module: WebAssembly.Module): "workload" | "command" {
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

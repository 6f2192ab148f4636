// Browser twin of host/modules.ts: the same instrumenter (binaryen.js, host/instrument/), run in
// the emulator's own worker instead of a child process, and kept for the worker's life. Module
// bytes come from the page: the emulator worker fetches a built workload (build/workloads/) or
// takes the bytes of a file dropped on the page, and provides them here before it runs.
import { ConfigError, type RunConfig } from "../config.ts";
import { instrument } from "../instrument/index.ts";
import { checkInterface } from "../module-interface.ts";
import type * as Node from "../modules.ts";

export type Prepared = Node.Prepared;

const provided = new Map<string, Uint8Array<ArrayBuffer>>();
const cache = new Map<string, Prepared>();

/** The bytes of a workload (by name) or of a dropped file (by its name, ending in .wasm). */
export function provideModule(name: string, bytes: Uint8Array<ArrayBuffer>): void {
  provided.set(name, bytes);
  for (const key of cache.keys()) if (key.startsWith(`${name}@`)) cache.delete(key);
}

export function hasModule(name: string): boolean {
  return provided.has(name);
}

export const useDiskCache: typeof Node.useDiskCache = () => {};

export const cacheDir: typeof Node.cacheDir = () => "(none: the browser keeps instrumented modules in memory)";

export const moduleBytes: typeof Node.moduleBytes = (config: Pick<RunConfig, "workload" | "file">) => {
  const bytes = provided.get(config.file ?? config.workload);
  if (bytes === undefined) throw new ConfigError(`no module ${config.file ?? config.workload} was loaded into the page`);
  return bytes;
};

export const prepare: typeof Node.prepare = async (config) => {
  const key = `${config.file ?? config.workload}@${config.pageSizeBytes}`;
  let prepared = cache.get(key);
  if (!prepared) {
    const bytes = moduleBytes(config);
    const native = new WebAssembly.Module(bytes);
    const kind = checkInterface(native);
    const instrumented = instrument(bytes, config.pageSizeBytes);
    prepared = { kind, native, instrumented, trapped: new WebAssembly.Module(instrumented.binary as Uint8Array<ArrayBuffer>) };
    cache.set(key, prepared);
  }
  return prepared;
};

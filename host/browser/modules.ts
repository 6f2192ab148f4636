// Browser twin of host/modules.ts: the same instrumenter (binaryen.js, host/instrument/), run in
// the emulator's own worker instead of a child process, and kept for the worker's life. Module
// bytes come from the page: the emulator worker fetches a built workload (build/workloads/) or
// takes the bytes of a file dropped on the page, and provides them here before it runs.
import { ConfigError, resolveConfig, type RunConfig } from "../config.ts";
import { runInstrumented } from "../engine.ts";
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
    if (kind === "workload" && config.file === null) await warmUp(config.workload, config.pageSizeBytes, prepared);
    cache.set(key, prepared);
  }
  return prepared;
};

/**
 * Runs a built-in workload once at size tiny under `local`, on instances of its own, so that the
 * run that counts gets optimized code. On the command line V8 compiles every function on its
 * optimizing tier up front (--no-liftoff, host/modules.ts); a page cannot set V8's flags, and
 * Chromium starts a module on its baseline compiler (Liftoff), moving a function to optimized
 * code in the background once it is hot, for its *next* call: a workload's run() is one call, so
 * without this the whole run stayed on baseline code (2-3x slower). Nothing of this run is kept:
 * its own memory, MMU instance and policy, no figures; only the compiled code is shared.
 */
async function warmUp(workload: string, pageSizeBytes: number, prepared: Prepared): Promise<void> {
  const config = resolveConfig({ workload, size: "tiny", policy: "local", pageSize: pageSizeBytes });
  await runInstrumented(config, prepared.instrumented, prepared.trapped);
  // Time for the background compiler to publish what the warm-up made hot.
  await new Promise((resolve) => setTimeout(resolve, 50));
}

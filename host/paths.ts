// Where remora's files are, whether it runs compiled (dist/, JavaScript: what bin/remora and the
// package's exports use) or from its TypeScript sources through tsx (the tests, development).

import { homedir } from "node:os";
import { join } from "node:path";

/** True when this code runs as compiled JavaScript from dist/. */
export const COMPILED = import.meta.url.endsWith(".js");

/** The package's root folder, which holds package.json, build/ and bench/web/. */
export const ROOT = new URL(COMPILED ? "../../" : "../", import.meta.url);

/** A file under the package's root, e.g. atRoot("build/mmu.wasm"). */
export function atRoot(path: string): URL {
  return new URL(path, ROOT);
}

/** One of the package's modules, by its path from the root without extension (e.g.
 *  "host/servers/server-worker"), in the form this code runs in: a worker thread or a child
 *  process is started from it. Not beside the caller's import.meta.url: compiled, the caller may
 *  be part of the command line's bundle (scripts/build-cli.ts), not its own file. */
export function packageModule(path: string): URL {
  return packageFile(`${path}.${COMPILED ? "js" : "ts"}`);
}

/** A file or folder of the code as it runs, by its path in the sources (e.g. "host/instrument/"):
 *  under dist/ when compiled. */
export function packageFile(path: string): URL {
  return atRoot(COMPILED ? `dist/${path}` : path);
}

/** The execArgv a worker thread needs to load such a module: nothing for compiled code; tsx's
 *  loader for TypeScript sources, after binaryen when the worker instruments modules (through
 *  tsx's loader binaryen takes seconds to load: host/register.mjs). */
export function workerExecArgv(instruments: boolean): string[] {
  if (COMPILED) return [];
  return ["--import", instruments ? atRoot("host/register.mjs").href : import.meta.resolve("tsx")];
}

/** The cache of instrumented modules (host/modules.ts) and of binaryen's compiled code
 *  (host/instrument/binaryen.ts): $REMORA_CACHE, or ~/.cache/remora. */
export function cacheDir(): string {
  return process.env.REMORA_CACHE || join(homedir(), ".cache", "remora");
}

// Where modules come from: built workloads (build/workloads/<name>.wasm) or a user's .wasm file,
// each instrumented once per page size: kept for the process, and on disk (~/.cache/remora, or
// $REMORA_CACHE) keyed by the module's hash, the page size and the instrumenter's version, so a
// module run again starts without binaryen. binaryen (10 MB of JavaScript) is loaded only when a
// module must be instrumented.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { ConfigError, type RunConfig } from "./config.ts";
import type { Instrumented } from "./instrument/index.ts";
import { atRoot, COMPILED } from "./paths.ts";
import { PREVIEW1 } from "./wasi/preview1.ts";

// V8 reads the branch hints the instrumenter writes (fast path likely) only with this flag, which
// must be set before the first module is compiled.
v8.setFlagsFromString("--experimental-wasm-branch-hinting");

const BUILD = atRoot("build/workloads/");

export interface Prepared {
  /** A workload exports run(n, seed); a WASI command exports _start. */
  kind: "workload" | "command";
  native: WebAssembly.Module;
  instrumented: Instrumented;
  trapped: WebAssembly.Module;
}

const cache = new Map<string, Prepared>();
let diskCache = true;

/** Turns the disk cache of instrumented modules off (--no-cache) or on. */
export function useDiskCache(enabled: boolean): void {
  diskCache = enabled;
}

/** The disk cache's folder: $REMORA_CACHE, else ~/.cache/remora. */
export function cacheDir(): string {
  return process.env.REMORA_CACHE || join(homedir(), ".cache", "remora");
}

export function moduleBytes(config: Pick<RunConfig, "workload" | "file">): Uint8Array<ArrayBuffer> {
  const path = config.file ?? new URL(`${config.workload}.wasm`, BUILD).pathname;
  if (!existsSync(path)) {
    throw new ConfigError(config.file ? `no such file: ${path}` : `workload ${config.workload} is not built: run npm run build`);
  }
  return new Uint8Array(readFileSync(path));
}

/** The native and the instrumented module for a config: from this process's cache, the disk
 *  cache, or instrumented now. */
export async function prepare(config: Pick<RunConfig, "workload" | "file" | "pageSizeBytes">): Promise<Prepared> {
  const key = `${config.file ?? config.workload}@${config.pageSizeBytes}`;
  let prepared = cache.get(key);
  if (!prepared) {
    const bytes = moduleBytes(config);
    const cacheFile = join(cacheDir(), `${sha256(bytes)}-${config.pageSizeBytes}-${instrumenterVersion()}`);
    let instrumented = diskCache ? readCached(cacheFile) : null;
    if (!instrumented) {
      const { instrument } = await import("./instrument/index.ts");
      instrumented = instrument(bytes, config.pageSizeBytes);
      if (diskCache) writeCached(cacheFile, instrumented);
    }
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

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex").slice(0, 32);

let version: string | undefined;
/** A hash of what decides the instrumented output: the instrumenter's code, the MMU it calls and
 *  binaryen's version. Any change to them makes every cached module stale. */
function instrumenterVersion(): string {
  if (version === undefined) {
    const hash = createHash("sha256");
    const ext = COMPILED ? "js" : "ts";
    const passes = readdirSync(new URL("instrument/", import.meta.url)).filter((f) => f.endsWith(`.${ext}`)).sort().map((f) => `instrument/${f}`);
    for (const file of [...passes, `branch-hints.${ext}`, `layout.${ext}`, `wasm-sections.${ext}`]) hash.update(readFileSync(new URL(file, import.meta.url)));
    hash.update(readFileSync(atRoot("build/mmu.wasm")));
    hash.update(readFileSync(new URL("package.json", import.meta.resolve("binaryen"))));
    version = hash.digest("hex").slice(0, 16);
  }
  return version;
}

/** A cached instrumented module: FILE.wasm (the binary) and FILE.json (the rest). */
function readCached(file: string): Instrumented | null {
  try {
    const meta = JSON.parse(readFileSync(`${file}.json`, "utf8"));
    const binary = new Uint8Array(readFileSync(`${file}.wasm`));
    return {
      ...meta,
      binary,
      dataSegments: meta.dataSegments.map((d: { offset: number; base64: string }) => ({ offset: d.offset, data: new Uint8Array(Buffer.from(d.base64, "base64")) })),
    };
  } catch {
    return null; // not cached, or unreadable: instrument again
  }
}

/** Writes a module to the cache (atomically: a reader never sees half a file); a cache that
 *  cannot be written is no error, only slower. */
function writeCached(file: string, inst: Instrumented): void {
  const { binary, dataSegments, ...rest } = inst;
  const meta = { ...rest, dataSegments: dataSegments.map((d) => ({ offset: d.offset, base64: Buffer.from(d.data).toString("base64") })) };
  try {
    mkdirSync(cacheDir(), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(`${tmp}.wasm`, binary);
    writeFileSync(`${tmp}.json`, JSON.stringify(meta));
    renameSync(`${tmp}.wasm`, `${file}.wasm`); // the binary first: the .json says the entry is whole
    renameSync(`${tmp}.json`, `${file}.json`);
  } catch {
    // read-only home, full disk: run without the cache
  }
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

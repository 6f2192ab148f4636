// Where modules come from: built workloads (build/workloads/<name>.wasm) or a user's .wasm file,
// each instrumented once per page size: kept for the process, and on disk (~/.cache/remora, or
// $REMORA_CACHE) keyed by the module's hash, the page size and the instrumenter's version, so a
// module run again starts without binaryen. A module is instrumented in a child process
// (instrument/child.ts), which loads binaryen with V8 flags of its own (instrument/spawn.ts).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { isMainThread } from "node:worker_threads";
import { ConfigError, type RunConfig } from "./config.ts";
import { readInstrumented } from "./instrument/files.ts";
import type { Instrumented } from "./instrument/index.ts";
import { InstrumentError } from "./instrument/error.ts";
import { discardInstrumenter, instrumenterDone, takeInstrumenter } from "./instrument/spawn.ts";
import { atRoot, cacheDir, COMPILED, packageFile } from "./paths.ts";
import { checkInterface } from "./module-interface.ts";

// V8's flags, set once, by the main thread, before any module is compiled: changing them while
// V8 compiles (in background threads, also for worker threads) is not safe: it is the likeliest
// cause of a test process that crashed (SIGSEGV) in about one run in 20. V8 reads the branch hints the instrumenter writes (fast
// path likely) only with the first flag. The second compiles every function on the optimizing
// tier up front: by default V8 compiles a function at its first call on baseline code (Liftoff)
// and swaps in optimized code only at a later call, and a workload's run() or a C program's
// kernel is one call, so a run stayed on baseline code (`remora run gauss`: 2.1 s, not 1.3 s).
// host/register.mjs sets them first when the TypeScript sources run (tests, development).
const FLAGS_SET = Symbol.for("remora.v8Flags");
if (isMainThread && !process.env.REMORA_INSTRUMENTER && !(globalThis as Record<symbol, unknown>)[FLAGS_SET]) {
  v8.setFlagsFromString("--experimental-wasm-branch-hinting --no-liftoff");
  (globalThis as Record<symbol, unknown>)[FLAGS_SET] = true;
}

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
    const cached = diskCache ? readInstrumented(cacheFile) : null;
    if (cached !== null) discardInstrumenter();
    // The child instruments while this process compiles the module as it is, on the other core.
    const instrumenting = cached === null ? instrumentInChild(bytes, config.pageSizeBytes, cacheFile) : null;
    let native: WebAssembly.Module | null = null;
    let kind: Prepared["kind"] | null = null;
    let problem: unknown = null;
    try {
      native = new WebAssembly.Module(bytes);
      kind = checkInterface(native);
    } catch (e) {
      problem = e;
    }
    // The instrumenter's refusal first, as when it ran alone: it names what it cannot rewrite.
    const instrumented = cached ?? await instrumenting!;
    if (problem !== null) throw problem;
    prepared = {
      kind: kind!,
      native: native!,
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
    const passes = readdirSync(packageFile("host/instrument/")).filter((f) => f.endsWith(`.${ext}`)).sort().map((f) => `instrument/${f}`);
    for (const file of [...passes, `branch-hints.${ext}`, `layout.${ext}`, `wasm-sections.${ext}`]) hash.update(readFileSync(packageFile(`host/${file}`)));
    hash.update(readFileSync(atRoot("build/mmu.wasm")));
    hash.update(readFileSync(new URL("package.json", import.meta.resolve("binaryen"))));
    version = hash.digest("hex").slice(0, 16);
  }
  return version;
}

/** The module instrumented by a child process (instrument/child.ts), which writes it into the disk
 *  cache at `cacheFile` when the cache is on, else (or when the cache cannot be written) into a
 *  temporary folder. */
async function instrumentInChild(bytes: Uint8Array, pageSize: number, cacheFile: string): Promise<Instrumented> {
  if (diskCache) {
    try {
      mkdirSync(cacheDir(), { recursive: true });
      return await runChild(bytes, pageSize, cacheFile);
    } catch (e) {
      if (e instanceof InstrumentError) throw e;
      // read-only home, full disk: instrument into a temporary folder, below
    }
  }
  const dir = mkdtempSync(join(tmpdir(), "remora-instrument-"));
  try {
    return await runChild(bytes, pageSize, join(dir, "module"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function runChild(bytes: Uint8Array, pageSize: number, prefix: string): Promise<Instrumented> {
  const child = takeInstrumenter();
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin!.on("error", () => {}); // a child that fails early closes its stdin: its exit says why
  child.stdin!.end(Buffer.concat([Buffer.from(`${JSON.stringify({ pageSize, prefix })}\n`), bytes]));
  const [code, signal] = await instrumenterDone(child);
  if (code === 2) throw new InstrumentError(stderr.trim());
  const inst = code === 0 ? readInstrumented(prefix) : null;
  if (!inst) throw new Error(`instrumenting failed (${signal ?? `exit code ${code}`}): ${stderr.trim() || `nothing written at ${prefix}`}`);
  return inst;
}

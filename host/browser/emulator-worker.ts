// The playground's emulator: a Web Worker running remora's own run() (host/run.ts: the engine,
// MMU, policies, presets, link and disk models and the instrumenter, unchanged), with the Node-only
// modules replaced by their browser twins in this folder (scripts/build-playground.ts). It
// fetches what it needs from its own origin, runs one configuration per "run" message, and posts
// live views (ticks) while the run is in progress and the result, the JSON of `remora run --json`.
import { ADDR_ACCESSES, ADDR_COUNTER_INTERRUPTS, ADDR_REMOTE_ACCESSES, ADDR_ZERO_FILLS } from "../layout.ts";
import { resolveConfig, type RunOptions } from "../config.ts";
import type { Probe } from "../engine.ts";
import { POLICIES } from "../policies/index.ts";
import { run } from "../run.ts";
import { setMmuBytes } from "./mmu-bytes.ts";
import { runCommand } from "../wasi/command.ts";
import { installBufferShim } from "./buffer-shim.ts";
import { hasModule, prepare, provideModule } from "./modules.ts";
import { readPageMap } from "./page-map.ts";

export interface RunRequest {
  type: "run";
  options: RunOptions;
  /** A file dropped on the page: options.workload is its name. */
  file?: { name: string; bytes: ArrayBuffer };
  /** A WASI command's arguments (after its name). */
  args?: string[];
  /** Live views every tickMillis, or none (null): the run then makes no host call for them. */
  tickMillis: number | null;
}

/** The run so far, at one moment (cumulative counts; the page computes rates between ticks). */
export interface Tick {
  type: "tick";
  wallMillis: number;
  modelledMicros: number;
  accesses: number;
  remoteAccesses: number;
  pageFaults: number;
  pageIns: number;
  migrations: number;
  counterInterrupts: number;
  /** Where the modelled time went: accesses to local frames, accesses made on a server, and
   *  stalls (page transfers over the link or from the disk). */
  localMicros: number;
  remoteMicros: number;
  stallMicros: number;
  /** Markatos' average access cost so far: modelled cycles per access. */
  avgAccessCycles: number;
  pageSize: number;
  /** readPageMap's two bytes per virtual page. */
  pageMap: Uint8Array<ArrayBuffer>;
}

const scope = self as unknown as { postMessage(message: unknown, transfer?: Transferable[]): void; onmessage: ((e: MessageEvent<RunRequest>) => void) | null };
const asset = (path: string) => new URL(path, import.meta.url);

async function fetchBytes(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url.pathname}: ${res.status} ${res.statusText}`);
  return new Uint8Array(await res.arrayBuffer());
}

let mmuLoaded = false;

async function handle(req: RunRequest): Promise<void> {
  if (!mmuLoaded) {
    setMmuBytes(await fetchBytes(asset("./mmu.wasm")));
    mmuLoaded = true;
  }
  const name = req.options.workload;
  if (req.file) provideModule(req.file.name, new Uint8Array(req.file.bytes));
  else if (!hasModule(name)) provideModule(name, await fetchBytes(asset(`./workloads/${encodeURIComponent(name)}.wasm`)));
  scope.postMessage({ type: "status", text: "running" });

  const config = resolveConfig(req.options);
  const evictedTo = config.policy === "ram-disk" ? "server" : "disk";
  const cyclesPerMicro = config.clockHz / 1e6;
  const remoteCycles = POLICIES[config.policy].remoteAccessCycles?.(config) ?? config.remoteAccessCycles;
  const tick = (p: Probe) => {
    const view = new DataView(p.memory.buffer);
    const u64 = (addr: number) => Number(view.getBigUint64(addr, true));
    const pageMap = readPageMap(p.memory, {
      pageSize: config.pageSizeBytes,
      evictedTo,
      counterInitial: p.remoteMode === 2 ? config.counterInitial : null,
    });
    const accesses = u64(ADDR_ACCESSES);
    const remoteAccesses = u64(ADDR_REMOTE_ACCESSES);
    const message: Tick = {
      type: "tick",
      wallMillis: p.wallMillis,
      modelledMicros: p.modelledMicros,
      accesses,
      remoteAccesses,
      pageFaults: p.stats.pageFaults + u64(ADDR_ZERO_FILLS),
      pageIns: p.stats.pageIns,
      migrations: p.stats.migrations,
      counterInterrupts: u64(ADDR_COUNTER_INTERRUPTS),
      localMicros: ((accesses - remoteAccesses) * config.localAccessCycles) / cyclesPerMicro,
      remoteMicros: (remoteAccesses * remoteCycles) / cyclesPerMicro,
      stallMicros: p.stats.stallCycles / cyclesPerMicro,
      avgAccessCycles: accesses > 0 ? (p.modelledMicros * cyclesPerMicro) / accesses : 0,
      pageSize: config.pageSizeBytes,
      pageMap,
    };
    scope.postMessage(message, [pageMap.buffer]);
  };
  const extras = req.tickMillis === null ? {} : { tickMillis: req.tickMillis, tick };
  // A WASI command (a file with _start) runs as `remora run FILE.wasm -- ARGS` does, on
  // @wasmer/wasi (node:wasi is Node's own), with its output in the result.
  if ((await prepare(config)).kind === "command") {
    installBufferShim();
    const { n: _n, size: _size, ...options } = req.options;
    const { engine: _engine, ...result } = await runCommand(options, { wasi: "wasmer", args: req.args ?? [] }, extras);
    scope.postMessage({ type: "done", result });
    return;
  }
  const { engine: _engine, ...result } = await run(req.options, extras);
  scope.postMessage({ type: "done", result });
}

scope.onmessage = (e) => {
  handle(e.data).catch((err: Error) => scope.postMessage({ type: "error", message: err.message }));
};
scope.postMessage({ type: "ready" });

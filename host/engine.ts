// The engine: one run of an instrumented module under a policy. It owns the physical memory,
// sets up the MMU, serves page faults (write-back, then fill) and turns counts into modelled time.
import type { RunConfig } from "./config.ts";
import type { Instrumented } from "./instrument/index.ts";
import { ADDR_ACCESSES, ADDR_COUNTER_INTERRUPTS, ADDR_REMOTE_ACCESSES, ADDR_STORES, ADDR_TLB_MISSES, ADDR_ZERO_FILLS } from "./layout.ts";
import { mmuBytes } from "./mmu-bytes.ts";
import { POLICIES } from "./policies/index.ts";
import { PREFETCHERS } from "./prefetch/index.ts";
import { newStats, type Stats } from "./stats.ts";
import type { ResilienceDebug } from "./memory-engine/memory-engine.ts";

let mmuModule: WebAssembly.Module | undefined;

function loadMmu(): WebAssembly.Module {
  mmuModule ??= new WebAssembly.Module(mmuBytes());
  return mmuModule;
}

const REPLACEMENT_CODE = { lru: 0, clock: 1, random: 2 } as const;

export interface MmuExports {
  init(shift: number, frames: number, sites: number, initialWasmPages: number, maxWasmPages: number, replacement: number, seed: number, remoteMode: number, counterInitial: number, zeroFills: boolean): number;
  hostTranslate(vaddr: number, size: number, isStore: number): number;
  getFramesUsed(): number;
  memory: WebAssembly.Memory;
  [name: string]: unknown;
}

export interface EngineRun {
  /** What the entry returned: a workload's checksum, a command's exit code. */
  checksum: number;
  stats: Stats;
  accesses: number;
  stores: number;
  remoteAccesses: number;
  /** Counter interrupts: a remote page's counter reached zero (counted by the MMU). */
  counterInterrupts: number;
  wallSeconds: number;
  /** Physical memory of the running module at the end. */
  physicalBytes: number;
  framesUsed: number;
  /** Virtual memory the workload ended with (its memory.size), in bytes. */
  virtualBytes: number;
  /** TLB entries: one per load/store site of the module (or group of sites sharing one), plus entry 0. */
  tlbEntries: number;
  tlbMisses: number;
  /** Modelled latency of each page fault that brought a page in, in µs, in order. */
  faultLatencyMicros: number[];
  /** Real time the host spent serving each page fault that brought a page in (a page-in from the
   *  backing store), when measureFaults is set. */
  faultMicros: number[];
  /** The same for faults on never-touched pages (a zeroed frame), reported apart. */
  firstTouchMicros: number[];
  /** The policy's own figures (servers, engine cache, ...). */
  policyReport: Record<string, unknown>;
}

export class RunError extends Error {}

/** One page fault as the MMU asked for it: the basis of the concurrent-clients replay. */
export interface FaultEvent {
  /** Accesses the program had made when it faulted. */
  accesses: number;
  vpageIn: number;
  /** The evicted page, or -1; and whether it was dirty. */
  vpageOut: number;
  dirty: boolean;
}

/** The program's virtual memory as the host sees it: through the MMU, faulting pages in. */
export interface VirtualMemory {
  read(vaddr: number, length: number): Uint8Array;
  write(vaddr: number, data: Uint8Array): void;
  /** The program's memory size (memory.size), in bytes. */
  bytes(): number;
}

/** How a module is entered: its imports (beyond memory and the MMU) and the call that runs it,
 *  which returns the program's result (a workload's checksum, a command's exit code). */
export interface Entry {
  imports(vm: VirtualMemory): WebAssembly.Imports;
  start(instance: WebAssembly.Instance): number;
}

/** A workload: `run(n, seed)` returns its checksum; AssemblyScript's abort is the one import. */
export function workloadEntry(n: number, seed: number): Entry {
  return {
    imports: (vm) => ({ env: { abort: abortHandler(vm.read) } }),
    start: (instance) => (instance.exports.run as (n: number, seed: number) => number)(n, seed) >>> 0,
  };
}

export interface EngineOptions {
  /** Time each fault in the host (the MMU then hands every fault, first touches too, to the host). */
  measureFaults?: boolean;
  /** Called as each fault starts, before the victim is written back (the MMU hands it every fault). */
  onFault?: (event: FaultEvent) => void;
  /** Called when each fault the host served is done: vpageIn's bytes are in its frame, the victim
   *  is gone from physical memory (its page table entry is updated as soon as this returns). */
  afterFault?: (vpageIn: number, physical: Uint8Array) => void;
  inspect?: (mmu: MmuExports) => void;
  /** Tests: what the memory engine stores and rebuilds (--redundancy, --fail-server). */
  resilienceDebug?: ResilienceDebug;
  /** Live views (the playground): called from the host's side of the run (page faults, remote
   *  accesses, software counters) at most every tickMillis of real time. The program runs inside
   *  one wasm call, so these host calls are the only moments anyone can look (a run under `local`
   *  makes none: the MMU serves first touches itself). Called once more when the program has
   *  returned. */
  tick?: (probe: Probe) => void;
  /** Default 100 ms. */
  tickMillis?: number;
}

/** What a tick sees: the MMU's memory (its page table: host/layout.ts) and the run so far. */
export interface Probe {
  memory: WebAssembly.Memory;
  stats: Stats;
  /** Modelled time so far, in µs, as the final figure counts it. */
  modelledMicros: number;
  /** Real time since the program started (what wallSeconds counts), in ms. */
  wallMillis: number;
  remoteMode: number;
}

/** Runs an instrumented module under config's policy (by default `run(n, seed)` of a workload)
 *  and returns its figures. */
export async function runInstrumented(
  config: RunConfig,
  inst: Instrumented,
  module: WebAssembly.Module,
  options: EngineOptions = {},
  entry: Entry = workloadEntry(config.n, config.seed),
): Promise<EngineRun> {
  const policy = POLICIES[config.policy];
  const pageSize = config.pageSizeBytes;
  const stats = newStats();
  const backing = await policy.create({ config, stats, debug: options.resilienceDebug });
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536 });
  const faultMicros: number[] = [];
  const firstTouchMicros: number[] = [];
  const faultLatencyMicros: number[] = [];
  const cyclesPerMicro = config.clockHz / 1e6;
  let mmu: MmuExports;

  const remoteCycles = policy.remoteAccessCycles?.(config) ?? config.remoteAccessCycles;
  // Physical memory as words and bytes, for the host calls of every fault and remote access: made
  // again only when memory.grow has detached the buffer (length 0), not at every call.
  let words = new Uint32Array(memory.buffer);
  let phys = new Uint8Array(memory.buffer);
  const refresh = () => {
    if (phys.length === 0) {
      words = new Uint32Array(memory.buffer);
      phys = new Uint8Array(memory.buffer);
    }
  };
  /** A u64 counter of the layout (below 2^53: a number, with no BigInt made). */
  const counter = (addr: number): number => words[addr >>> 2] + words[(addr >>> 2) + 1] * 2 ** 32;
  // The modelled clock: every access so far at its local or remote cost, plus every stall so far.
  const nowMicros = (): number => {
    refresh();
    const accesses = counter(ADDR_ACCESSES);
    const remote = counter(ADDR_REMOTE_ACCESSES);
    return ((accesses - remote) * config.localAccessCycles + remote * remoteCycles + stats.stallCycles) / cyclesPerMicro;
  };

  // Prefetching (DISK, RAM_DISK): after a fault that read its page from the store, the MMU asks for
  // the prefetcher's pages one by one and hands each a frame. A prefetch is issued when the fault
  // was, behind it on the link or disk, and the program does not wait for it; the first use of a
  // prefetched page (a prefetch hit, a minor fault) waits for it if it has not arrived yet.
  const store = backing.prefetchStore;
  const prefetcher = config.prefetch.name === "none" || store === undefined ? null
    : PREFETCHERS[config.prefetch.name].create(store, config.prefetch.arg);
  if (config.prefetch.name !== "none" && prefetcher === null) throw new Error(`internal error: policy ${config.policy} cannot prefetch`);
  let prefetchQueue: number[] = [];
  let prefetchIssuedAt = 0;
  /** Modelled arrival of each prefetched page not used yet. */
  const prefetchArrival = new Map<number, number>();

  /** Charges what the store spent beyond its transfers' own path (--redundancy): after them, so
   *  that it adds exactly; returns it in µs. */
  const chargeExtra = (): number => {
    const extra = backing.takeExtraStallMicros?.() ?? 0;
    if (extra === 0) return 0;
    const cycles = Math.round(extra * cyclesPerMicro);
    stats.stallCycles += cycles;
    stats.redundancyCycles += cycles;
    return extra;
  };

  /** Evicts vpageOut from `frame`: the store writes it back (or not: null); returns when done. */
  const writeBack = (vpageOut: number, frame: Uint8Array, outDirty: number, now: number): number | null => {
    stats.evictions++;
    prefetchArrival.delete(vpageOut);
    const written = backing.pageOut(vpageOut, frame, outDirty !== 0, now);
    if (written !== null) stats.pageOuts++;
    return written;
  };

  const pageFault = (vpageIn: number, frameAddr: number, vpageOut: number, outDirty: number): number => {
    const t0 = options.measureFaults ? performance.now() : 0;
    refresh();
    if (options.onFault) options.onFault({ accesses: counter(ADDR_ACCESSES), vpageIn, vpageOut, dirty: outDirty !== 0 });
    const frame = phys.subarray(frameAddr, frameAddr + pageSize);
    const now = nowMicros();
    let done = now;
    let victimRemote = 0;
    if (prefetchQueue.length > 0) prefetchQueue = []; // what the last fault's prefetching left
    if (vpageOut >= 0) {
      const written = writeBack(vpageOut, frame, outDirty, now);
      if (written !== null) done = Math.max(done, written);
      if (backing.remoteMapped?.(vpageOut)) victimRemote = 1;
    }
    stats.pageFaults++;
    const arrived = backing.pageIn(vpageIn, frame, now);
    if (arrived !== null) {
      stats.pageIns++;
      // A major fault also pays the client's own fault handling (trap, paging code path).
      done = Math.max(done, arrived) + config.faultHandlingMicros;
      faultLatencyMicros.push(done - now);
      if (prefetcher !== null) {
        prefetchQueue = prefetcher.afterFault(vpageIn).filter((v) => v !== vpageIn);
        prefetchIssuedAt = now;
      }
    } else {
      frame.fill(0);
    }
    stats.stallCycles += Math.round((done - now) * cyclesPerMicro);
    const extra = chargeExtra();
    if (extra > 0 && arrived !== null) faultLatencyMicros[faultLatencyMicros.length - 1] += extra;
    if (options.measureFaults) (arrived !== null ? faultMicros : firstTouchMicros).push((performance.now() - t0) * 1000);
    options.afterFault?.(vpageIn, phys);
    return victimRemote;
  };
  const remoteOnly = (what: string) => (): never => {
    throw new Error(`internal error: ${what} under policy ${config.policy}, which maps no remote pages`);
  };
  const placeRemote = (vpage: number): number => (backing.placeRemote ?? remoteOnly("placeRemote"))(vpage) ? 1 : 0;
  const remoteAccess = backing.remoteAccess === undefined ? remoteOnly("remoteAccess")
    : (vaddr: number, size: number, isStore: number, paddr: number): void => {
      refresh();
      backing.remoteAccess!(vaddr >>> 0, size, isStore !== 0, phys, paddr);
    };
  const prefetchNext = (): number => {
    while (prefetchQueue.length > 0) {
      const vpage = prefetchQueue.shift()!;
      if (store!.holds(vpage)) return vpage;
    }
    return -1;
  };
  const prefetchFill = (vpage: number, frameAddr: number, vpageOut: number, outDirty: number): void => {
    refresh();
    const frame = phys.subarray(frameAddr, frameAddr + pageSize);
    const ready = (vpageOut >= 0 ? writeBack(vpageOut, frame, outDirty, prefetchIssuedAt) : null) ?? prefetchIssuedAt;
    const arrived = backing.pageIn(vpage, frame, prefetchIssuedAt);
    if (arrived === null) frame.fill(0);
    stats.prefetched++;
    prefetchArrival.set(vpage, Math.max(ready, arrived ?? ready));
    chargeExtra();
  };
  const prefetchHit = (vpage: number): void => {
    stats.prefetchHits++;
    prefetcher!.hit(vpage);
    const arrival = prefetchArrival.get(vpage)!;
    prefetchArrival.delete(vpage);
    const now = nowMicros();
    if (arrival > now) stats.stallCycles += Math.round((arrival - now) * cyclesPerMicro);
  };

  const softwareCounter = (vpage: number, accesses: number): number => (backing.softwareCounter ?? remoteOnly("softwareCounter"))(vpage, accesses);

  // Live views: a real-time check every 64 host calls, a tick when tickMillis have passed.
  let host = { pageFault, remoteAccess, softwareCounter };
  const probe = options.tick;
  if (probe !== undefined) {
    const every = options.tickMillis ?? 100;
    let calls = 0;
    let next = performance.now() + every;
    const maybeTick = () => {
      if (++calls < 64) return;
      calls = 0;
      const t = performance.now();
      if (t < next) return;
      next = t + every;
      probe({ memory, stats, modelledMicros: nowMicros(), wallMillis: t - t0, remoteMode: policy.remoteMode ?? 0 });
    };
    host = {
      pageFault: (vpageIn, frameAddr, vpageOut, outDirty) => { maybeTick(); return pageFault(vpageIn, frameAddr, vpageOut, outDirty); },
      remoteAccess: (vaddr, size, isStore, paddr) => { maybeTick(); remoteAccess(vaddr, size, isStore, paddr); },
      softwareCounter: (vpage, accesses) => { maybeTick(); return softwareCounter(vpage, accesses); },
    };
  }
  const outOfBounds = (vaddr: number, size: number): never => {
    throw new WebAssembly.RuntimeError(
      `memory access out of bounds: ${size} bytes at virtual address 0x${(vaddr >>> 0).toString(16)}`);
  };

  const t0 = performance.now();
  try {
    mmu = new WebAssembly.Instance(loadMmu(), { env: { memory }, host: { ...host, outOfBounds, placeRemote, prefetchNext, prefetchFill, prefetchHit } }).exports as unknown as MmuExports;
    const frames = Math.min(policy.localPages(config.localPages), 0xffffffff);
    mmu.init(Math.log2(pageSize), frames, inst.tlbEntries, inst.initialWasmPages, inst.maxWasmPages,
      REPLACEMENT_CODE[config.replacement], config.seed, policy.remoteMode ?? 0, config.counterInitial,
      // The MMU serves a fault on a never-touched page itself (a zeroed frame), unless each
      // fault is to be seen or timed here.
      options.onFault === undefined && options.afterFault === undefined && !options.measureFaults);
    if (prefetcher !== null) (mmu.setPrefetching as (on: number) => void)(1);
    for (const seg of inst.dataSegments) writeVirtual(mmu, memory, seg.offset, seg.data);
    const vm: VirtualMemory = {
      read: (vaddr, length) => readVirtual(mmu, memory, vaddr, length),
      write: (vaddr, data) => writeVirtual(mmu, memory, vaddr, data),
      bytes: () => Number((mmu.getVirtualBytes as () => bigint)()),
    };
    const imports = entry.imports(vm);
    const instance = new WebAssembly.Instance(module, {
      ...imports,
      env: { ...imports.env, memory },
      mmu: mmu as unknown as WebAssembly.ModuleImports,
    });
    const checksum = entry.start(instance);
    const wallSeconds = (performance.now() - t0) / 1000;
    // The live views' last look: the state the run ended in.
    probe?.({ memory, stats, modelledMicros: nowMicros(), wallMillis: wallSeconds * 1000, remoteMode: policy.remoteMode ?? 0 });
    options.inspect?.(mmu);
    const view = new DataView(memory.buffer);
    stats.pageFaults += Number(view.getBigUint64(ADDR_ZERO_FILLS, true));
    const framesUsed = mmu.getFramesUsed();
    return {
      checksum,
      stats,
      accesses: Number(view.getBigUint64(ADDR_ACCESSES, true)),
      stores: Number(view.getBigUint64(ADDR_STORES, true)),
      remoteAccesses: Number(view.getBigUint64(ADDR_REMOTE_ACCESSES, true)),
      counterInterrupts: Number(view.getBigUint64(ADDR_COUNTER_INTERRUPTS, true)),
      wallSeconds,
      physicalBytes: memory.buffer.byteLength,
      framesUsed,
      virtualBytes: Number((mmu.getVirtualBytes as () => bigint)()),
      tlbEntries: inst.tlbEntries,
      tlbMisses: Number(view.getBigUint64(ADDR_TLB_MISSES, true)),
      faultLatencyMicros,
      faultMicros,
      firstTouchMicros,
      policyReport: (await backing.report?.()) ?? {},
    };
  } finally {
    await backing.close();
  }
}

/** Copies bytes into virtual memory through the MMU, a page at a time (data segments). */
export function writeVirtual(mmu: MmuExports, memory: WebAssembly.Memory, vaddr: number, data: Uint8Array): void {
  const pageSize = (mmu.getPageSize as () => number)();
  for (let done = 0; done < data.length;) {
    const at = vaddr + done;
    const chunk = Math.min(data.length - done, pageSize - (at % pageSize));
    const paddr = mmu.hostTranslate(at, chunk, 1) >>> 0;
    new Uint8Array(memory.buffer, paddr, chunk).set(data.subarray(done, done + chunk));
    done += chunk;
  }
}

/** Reads bytes of virtual memory through the MMU, a page at a time. */
export function readVirtual(mmu: MmuExports, memory: WebAssembly.Memory, vaddr: number, length: number): Uint8Array {
  const pageSize = (mmu.getPageSize as () => number)();
  const out = new Uint8Array(length);
  for (let done = 0; done < length;) {
    const at = vaddr + done;
    const chunk = Math.min(length - done, pageSize - (at % pageSize));
    const paddr = mmu.hostTranslate(at, chunk, 0) >>> 0;
    out.set(new Uint8Array(memory.buffer, paddr, chunk), done);
    done += chunk;
  }
  return out;
}

/** AssemblyScript's env.abort(message, file, line, column): strings are UTF-16 with their byte
 *  length stored 4 bytes before them. */
export function abortHandler(read: (ptr: number, length: number) => Uint8Array) {
  const text = (ptr: number): string => {
    if (!ptr) return "";
    const len = new DataView(read(ptr - 4, 4).buffer).getUint32(0, true);
    return new TextDecoder("utf-16le").decode(read(ptr, Math.min(len, 4096)));
  };
  return (msg: number, file: number, line: number, column: number): never => {
    throw new RunError(`the workload aborted: ${text(msg)} at ${text(file)}:${line}:${column}`);
  };
}

/** Runs the original, uninstrumented module: the reference for `verified` and for speed. */
export function runNative(module: WebAssembly.Module, n: number, seed: number): { checksum: number; wallSeconds: number } {
  let memory: WebAssembly.Memory | undefined;
  const t0 = performance.now();
  const instance = new WebAssembly.Instance(module, {
    env: { abort: abortHandler((p, len) => new Uint8Array(memory!.buffer.slice(p, p + len))) },
  });
  memory = instance.exports.memory as WebAssembly.Memory;
  const checksum = (instance.exports.run as (n: number, seed: number) => number)(n, seed) >>> 0;
  return { checksum, wallSeconds: (performance.now() - t0) / 1000 };
}

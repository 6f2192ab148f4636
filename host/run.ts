// One complete run: resolve the configuration, run the module natively and instrumented, and
// report the figures under the names of the result JSON.
import type { CompressionReport } from "./compression/page-compressor.ts";
import { ConfigError, resolveConfig, type RunConfig, type RunOptions } from "./config.ts";
import { runInstrumented, runNative, type EngineOptions, type EngineRun } from "./engine.ts";
import { prepare } from "./modules.ts";
import { POLICIES } from "./policies/index.ts";
import { redactUrl } from "./servers/redis.ts";

/** What every instrumented run reports, whatever the program: counts, modelled time, memory. */
export interface Figures {
  accesses: number;
  loads: number;
  stores: number;
  localAccesses: number;
  remoteAccesses: number;
  pageFaults: number;
  pageIns: number;
  pageOuts: number;
  evictions: number;
  migrations: number;
  diskReads: number;
  diskWrites: number;
  networkBytes: number;
  modelledCycles: number;
  modelledSeconds: number;
  avgAccessCycles: number;
  wallSeconds: number;
  /** Real linear memory of the running module: frames plus the MMU's tables. */
  physicalMemoryBytes: number;
  framesUsed: number;
  /** The workload's own (virtual) memory size at the end. */
  virtualMemoryBytes: number;
  /** Accesses that missed their instruction's TLB entry and took the MMU's slow path. */
  tlbMisses: number;
  /** Modelled latency of the page faults that brought a page in (not first touches), in µs. */
  faultLatencyMicros: { mean: number; p50: number; p99: number } | null;
  /** Pages each memory server holds at the end, as the server itself counts (ram-disk). */
  servers: number[];
  /** Pages the memory engine had to put on its disk because every server was full. */
  pagesOnDisk: number;
  engineCacheHitRate: number | null;
  /** Real round trip of a page request to a memory server thread, in µs. */
  faultRoundTripMicros: { p50: number; p99: number } | null;
  /** How pages really moved to the memory servers (config.transport). */
  transport: string;
  /** --transport redis: each server's instance, without passwords ([] otherwise). */
  serverUrls: string[];
  /** COUNTERS / SOFTWARE_COUNTERS: each remote page's initial counter (null under the other
   *  policies), and the interrupts raised when a counter reached zero, each of which migrated its
   *  page (counted by the MMU; a migration can also come from the host reading a remote page). */
  counterInitial: number | null;
  /** Whether --counter auto chose counterInitial, the break-even value (null under the policies
   *  without counters). */
  counterAuto: boolean | null;
  counterInterrupts: number;
  /** --prefetch: pages brought in ahead of use, and those used before eviction (prefetch hits,
   *  which are not page faults); accuracy = hits / prefetched, coverage = hits / (hits + pageIns):
   *  the share of would-be page-ins prefetching served. Null without prefetching. */
  prefetched: number;
  prefetchHits: number;
  prefetchAccuracy: number | null;
  prefetchCoverage: number | null;
  /** --compress: the codec, the compression ratio achieved, pages stored raw and the modelled time
   *  spent (null without --compress). */
  compression: CompressionReport | null;
  /** --fail-server: servers the memory engine found failed (from a request that failed), pages
   *  whose lost copy or fragment it rebuilt on survivors, and pages lost (always 0 in a result: a
   *  lost page ends the run, exit 4); the recovery's bytes and modelled cycles, in the background
   *  (not in modelledCycles). */
  serverFailures: number;
  pagesRecovered: number;
  pagesLost: number;
  recoveryBytes: number;
  recoveryCycles: number;
  /** --redundancy: bytes beyond none's on the client's link, and the modelled cycles they and the
   *  coding cost (part of modelledCycles: exactly what the run costs beyond none's). */
  redundancyBytes: number;
  redundancyCycles: number;
  /** The most bytes the memory servers held at once, every copy and fragment counted. */
  remoteBytesPeak: number;
}

export interface RunResult extends Figures {
  workload: string;
  size: string | null;
  policy: string;
  config: RunConfig;
  checksum: number;
  nativeChecksum: number;
  verified: boolean;
  nativeWallSeconds: number;
}

/** Mean and percentiles of a list of numbers (the nearest-rank percentile). */
export function summarize(xs: number[]): { mean: number; p50: number; p99: number } | null {
  if (xs.length === 0) return null;
  const sorted = Float64Array.from(xs).sort();
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { mean: xs.reduce((a, b) => a + b, 0) / xs.length, p50: rank(50), p99: rank(99) };
}

export async function run(options: RunOptions, extras: EngineOptions = {}): Promise<RunResult & { engine: EngineRun }> {
  const config = resolveConfig(options);
  const prepared = await prepare(config);
  if (prepared.kind !== "workload") {
    throw new ConfigError(`${config.workload} is a WASI command, not a workload with run(n, seed): run it with remora run FILE.wasm`);
  }
  if (config.file !== null && options.n === undefined) {
    throw new ConfigError(`${config.workload} exports run(n, seed): give its size parameter with --n`);
  }
  // Instrumented first: if the workload traps, the user sees the emulated trap (with its virtual
  // address), not the native one.
  const engine = await runInstrumented(config, prepared.instrumented, prepared.trapped, extras);
  const native = runNative(prepared.native, config.n, config.seed);
  return {
    workload: config.workload,
    size: config.size,
    policy: config.policy,
    config: { ...config, serverUrls: config.serverUrls.map(redactUrl) },
    checksum: engine.checksum,
    nativeChecksum: native.checksum,
    verified: engine.checksum === native.checksum,
    nativeWallSeconds: native.wallSeconds,
    ...engineFigures(config, engine),
    engine,
  };
}

/** The figures of an engine run, under the names of the result JSON. */
export function engineFigures(config: RunConfig, engine: EngineRun): Figures {
  const { stats } = engine;
  const loads = engine.accesses - engine.stores;
  const policy = POLICIES[config.policy];
  const remoteCycles = policy.remoteAccessCycles?.(config) ?? config.remoteAccessCycles;
  const usesCounters = policy.remoteMode === 2 || policy.remoteMode === 3;
  const prefetching = config.prefetch.name !== "none";
  const modelledCycles = (engine.accesses - engine.remoteAccesses) * config.localAccessCycles
    + engine.remoteAccesses * remoteCycles + stats.stallCycles;
  return {
    accesses: engine.accesses,
    loads,
    stores: engine.stores,
    localAccesses: engine.accesses - engine.remoteAccesses,
    remoteAccesses: engine.remoteAccesses,
    pageFaults: stats.pageFaults,
    pageIns: stats.pageIns,
    pageOuts: stats.pageOuts,
    evictions: stats.evictions,
    migrations: stats.migrations,
    diskReads: stats.diskReads,
    diskWrites: stats.diskWrites,
    networkBytes: stats.networkBytes,
    modelledCycles,
    modelledSeconds: modelledCycles / config.clockHz,
    avgAccessCycles: engine.accesses > 0 ? modelledCycles / engine.accesses : 0,
    wallSeconds: engine.wallSeconds,
    physicalMemoryBytes: engine.physicalBytes,
    framesUsed: engine.framesUsed,
    virtualMemoryBytes: engine.virtualBytes,
    tlbMisses: engine.tlbMisses,
    faultLatencyMicros: summarize(engine.faultLatencyMicros),
    servers: (engine.policyReport.servers as number[] | undefined) ?? [],
    pagesOnDisk: (engine.policyReport.pagesOnDisk as number | undefined) ?? 0,
    engineCacheHitRate: (engine.policyReport.engineCacheHitRate as number | null | undefined) ?? null,
    counterInitial: usesCounters ? config.counterInitial : null,
    counterAuto: usesCounters ? config.counterAuto : null,
    counterInterrupts: engine.counterInterrupts,
    faultRoundTripMicros: (engine.policyReport.faultRoundTripMicros as { p50: number; p99: number } | undefined) ?? null,
    transport: config.transport,
    serverUrls: (engine.policyReport.serverUrls as string[] | undefined) ?? [],
    prefetched: stats.prefetched,
    prefetchHits: stats.prefetchHits,
    prefetchAccuracy: prefetching ? (stats.prefetched > 0 ? stats.prefetchHits / stats.prefetched : 0) : null,
    prefetchCoverage: prefetching ? (stats.prefetchHits + stats.pageIns > 0 ? stats.prefetchHits / (stats.prefetchHits + stats.pageIns) : 0) : null,
    compression: (engine.policyReport.compression as CompressionReport | null | undefined) ?? null,
    serverFailures: (engine.policyReport.serverFailures as number | undefined) ?? 0,
    pagesRecovered: (engine.policyReport.pagesRecovered as number | undefined) ?? 0,
    pagesLost: 0,
    recoveryBytes: (engine.policyReport.recoveryBytes as number | undefined) ?? 0,
    recoveryCycles: (engine.policyReport.recoveryCycles as number | undefined) ?? 0,
    redundancyBytes: (engine.policyReport.redundancyBytes as number | undefined) ?? 0,
    redundancyCycles: stats.redundancyCycles,
    remoteBytesPeak: (engine.policyReport.remoteBytesPeak as number | undefined) ?? 0,
  };
}

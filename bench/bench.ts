// `remora bench`: the emulator's own speed. Per workload (size small): wall time of the
// uninstrumented module and of the instrumented one with every page resident (policy local),
// their ratio, and the real time the host spends serving one page-in with a small local memory
// (policy disk, 1/8 of the working set), first touches apart. A benchmark: it measures, it asserts nothing.
import v8 from "node:v8";
import vm from "node:vm";
import { resolveConfig } from "../host/config.ts";
import { runInstrumented, runNative } from "../host/engine.ts";
import { prepare } from "../host/modules.ts";
import { run, summarize } from "../host/run.ts";
import { serverRoundTrip } from "../host/servers/bench.ts";
import { TRANSPORTS, type Transport } from "../host/servers/protocol.ts";
import { haveRedisServer } from "../host/servers/redis.ts";
import { WORKLOADS } from "../workloads/index.ts";

export interface BenchRow {
  workload: string;
  n: number;
  nativeSeconds: number;
  instrumentedSeconds: number;
  slowdown: number;
  accessesPerSecond: number;
  /** Page-ins (faults that read a page from the swap file) with 1/8 of the working set local,
   *  and the real time the host took to serve each; null when the run had none. */
  pageIns: number;
  pageInMicros: { mean: number; p50: number; p99: number } | null;
  /** Faults on never-touched pages (a zeroed frame), timed the same way, reported apart. */
  firstTouches: number;
  firstTouchMicros: { mean: number; p50: number; p99: number } | null;
  /** Wall time and emulated accesses per second with 1/8 of the working set local, under ram-disk
   *  (pages to memory server threads) and counters (remote accesses and migrations); one run each. */
  ramDiskSeconds: number;
  ramDiskAccessesPerSecond: number;
  countersSeconds: number;
  countersAccessesPerSecond: number;
}

/** One large workload (working set of 256 MiB or more) under counters with 32 MiB local. */
export interface LargeRow {
  workload: string;
  n: number;
  workingSetBytes: number;
  localMemBytes: number;
  verified: boolean;
  seconds: number;
  accesses: number;
  remoteAccesses: number;
  migrations: number;
  accessesPerSecond: number;
}

export const LARGE_MIN_WORKING_SET = 256 * 2 ** 20;
export const LARGE_LOCAL_MEM = "32MiB";

/** Every workload whose large size touches 256 MiB or more, run once under counters with 32 MiB
 *  local memory: emulated accesses per second when most of memory is remote. */
export async function benchLarge(onRow?: (row: LargeRow) => void, workloads?: string[]): Promise<LargeRow[]> {
  const rows: LargeRow[] = [];
  for (const w of Object.values(WORKLOADS)) {
    if (workloads && !workloads.includes(w.name)) continue;
    const n = w.sizes.large;
    if (w.workingSetBytes(n) < LARGE_MIN_WORKING_SET) continue;
    const r = await run({ workload: w.name, size: "large", policy: "counters", localMem: LARGE_LOCAL_MEM });
    const row: LargeRow = {
      workload: w.name, n, workingSetBytes: w.workingSetBytes(n), localMemBytes: r.config.localMemBytes, verified: r.verified,
      seconds: r.wallSeconds, accesses: r.accesses, remoteAccesses: r.remoteAccesses, migrations: r.migrations,
      accessesPerSecond: r.accesses / r.wallSeconds,
    };
    rows.push(row);
    onRow?.(row);
  }
  return rows;
}

export interface BenchReport {
  /** With --large: the large workloads under counters (benchLarge). */
  large?: LargeRow[];
  repetitions: number;
  size: string;
  rows: BenchRow[];
  geomeanSlowdown: number;
  /** Real round trip of a 4 KiB page to a memory server thread and back (alternating page-out and
   *  page-in on a one-server pool). */
  /** A 4 KiB page moved to a server and back, real time, by each transport. */
  serverRoundTripMicros: Partial<Record<Transport, { p50: number; p99: number }>>;
  machine: { node: string; cpus: string; cores: number };
}

// The garbage of earlier runs (each leaves a wasm memory behind) is collected before each timed
// run, not inside it: V8 otherwise collects under "external memory pressure" at a run's start,
// a pause of up to 14 ms that fell on either side at random.
v8.setFlagsFromString("--expose-gc");
export const collectGarbage = vm.runInNewContext("gc") as () => void;

/** Waits (at most maxMs) until the process uses under a tenth of a core: its background work done. */
export async function settle(maxMs = 5000): Promise<void> {
  const WINDOW_MS = 250;
  for (const start = performance.now(); performance.now() - start < maxMs;) {
    const before = process.cpuUsage();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    const used = process.cpuUsage(before);
    if ((used.user + used.system) / 1000 < WINDOW_MS / 10) return;
  }
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export async function bench(options: { repetitions?: number; workloads?: string[]; size?: string; onRow?: (row: BenchRow) => void } = {}): Promise<BenchReport> {
  const repetitions = options.repetitions ?? 5;
  const size = options.size ?? "small";
  const rows: BenchRow[] = [];
  const names = options.workloads ?? Object.keys(WORKLOADS);
  // Every module instrumented and compiled first, then a quiet machine: V8 compiles in the
  // background for a while after binaryen has run, and the first workloads timed in a busy
  // process ran up to 2x slower natively (trans: 20 ms, not 8).
  for (const name of names) await prepare(resolveConfig({ workload: name, size, policy: "local" }));
  await settle();
  for (const name of names) {
    const config = resolveConfig({ workload: name, size, policy: "local" });
    const prepared = await prepare(config);
    const nativeTimes: number[] = [];
    const instTimes: number[] = [];
    let accesses = 0;
    // Interleaved, after three warm-ups of each (the first runs after instrumenting are slower:
    // V8 is still busy in the background), so both sides see the same machine state.
    for (let i = 0; i < 3; i++) {
      runNative(prepared.native, config.n, config.seed);
      await runInstrumented(config, prepared.instrumented, prepared.trapped);
    }
    for (let i = 0; i < repetitions; i++) {
      collectGarbage();
      nativeTimes.push(runNative(prepared.native, config.n, config.seed).wallSeconds);
      collectGarbage();
      const r = await runInstrumented(config, prepared.instrumented, prepared.trapped);
      instTimes.push(r.wallSeconds);
      accesses = r.accesses;
    }
    const workingSet = WORKLOADS[name].workingSetBytes(config.n);
    const faulting = await run(
      { workload: name, size, policy: "disk", localPages: Math.max(2, Math.floor(workingSet / 8 / config.pageSizeBytes)) },
      { measureFaults: true },
    );
    const eighth = Math.max(2, Math.floor(workingSet / 8 / config.pageSizeBytes));
    const ramDisk = await run({ workload: name, size, policy: "ram-disk", localPages: eighth });
    const counters = await run({ workload: name, size, policy: "counters", localPages: eighth });
    const row: BenchRow = {
      workload: name,
      n: config.n,
      nativeSeconds: median(nativeTimes),
      instrumentedSeconds: median(instTimes),
      slowdown: median(instTimes) / median(nativeTimes),
      accessesPerSecond: accesses / median(instTimes),
      pageIns: faulting.engine.faultMicros.length,
      pageInMicros: summarize(faulting.engine.faultMicros),
      firstTouches: faulting.engine.firstTouchMicros.length,
      firstTouchMicros: summarize(faulting.engine.firstTouchMicros),
      ramDiskSeconds: ramDisk.wallSeconds,
      ramDiskAccessesPerSecond: ramDisk.accesses / ramDisk.wallSeconds,
      countersSeconds: counters.wallSeconds,
      countersAccessesPerSecond: counters.accesses / counters.wallSeconds,
    };
    rows.push(row);
    options.onRow?.(row);
  }
  const geomeanSlowdown = Math.exp(rows.reduce((a, r) => a + Math.log(r.slowdown), 0) / rows.length);
  const serverRoundTripMicros: BenchReport["serverRoundTripMicros"] = {};
  // Redis when its server is installed: a local redis-server over loopback.
  for (const transport of TRANSPORTS.filter((t) => t !== "redis" || haveRedisServer())) {
    const { p50, p99 } = await serverRoundTrip(transport, 4096, 20000);
    serverRoundTripMicros[transport] = { p50, p99 };
  }
  const os = await import("node:os");
  return {
    repetitions,
    size,
    rows,
    geomeanSlowdown,
    serverRoundTripMicros,
    machine: { node: process.version, cpus: os.cpus()[0]?.model ?? "unknown", cores: os.cpus().length },
  };
}

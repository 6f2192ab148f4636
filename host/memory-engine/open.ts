// Opens what every memory-server policy needs: the server pool, the engine's disk and the memory
// engine between them, configured from the run; and the figures they report at the end.
import { COMPRESSED_SLOTS_PER_PAGE } from "../compression/page-compressor.ts";
import { DISKS } from "../disks/index.ts";
import type { PolicyContext } from "../policies/policy.ts";
import type { MemoryServerPool } from "../servers/pool.ts";
import { killNow, startReaper, startRedisServers, type EmbeddedRedis } from "../servers/redis.ts";
import { SwapDevice } from "../swap-device.ts";
import { failureInjector } from "./fault-injection.ts";
import { MemoryEngine } from "./memory-engine.ts";
import { parseRedundancy, Redundancy } from "./redundancy.ts";

export interface RemoteMemory {
  pool: MemoryServerPool;
  swap: SwapDevice;
  engine: MemoryEngine;
  /** Fills the run's network and disk counts; returns the servers' own page counts and more. */
  report(extraNetworkBytes?: number): Record<string, unknown>;
  close(): Promise<void>;
}

export async function openRemoteMemory(ctx: PolicyContext): Promise<RemoteMemory> {
  const { config, stats } = ctx;
  const size = config.pageSizeBytes;
  // --transport redis with no URL: local redis-server processes of this run's own.
  const embedded: EmbeddedRedis | null = config.transport === "redis" && config.serverUrls.length === 0
    ? await startRedisServers(config.servers) : null;
  const spec = parseRedundancy(config.redundancy);
  if (typeof spec === "string") throw new Error(spec); // resolveConfig has checked it
  // Resilient mode: pages kept by the redundancy (none: one copy), and
  // failures noticed and repaired.
  const resilient = spec.kind !== "none" || config.failServers.length > 0;
  const runId = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const urls = embedded?.urls ?? config.serverUrls;
  // If remora is cut short (Ctrl-C, a signal), the reaper deletes the run's keys for it.
  const reaper = config.transport === "redis" ? startReaper(urls, `remora:${runId}:*`, embedded?.pids ?? [], config.connectTimeoutMs) : null;
  let pool: MemoryServerPool;
  try {
    // Loaded here: piscina is not needed by the runs that have no memory server.
    const { MemoryServerPool } = await import("../servers/pool.ts");
    pool = await MemoryServerPool.start({
      servers: config.servers, capacityBytes: config.serverMemBytes, pageSizeBytes: size, transport: config.transport,
      // Compressed pages and erasure-coded fragments take the slots they fill, so the same memory
      // holds more of them.
      slotBytes: config.compress === "none" && spec.kind !== "ec" ? size : size / COMPRESSED_SLOTS_PER_PAGE,
      // A thread that does not answer within this has failed (redis: connectTimeoutMs governs).
      timeoutMs: config.transport === "redis" ? undefined : config.serverTimeoutMs,
      redis: config.transport !== "redis" ? undefined : {
        urls,
        // Keys carry the run: several runs can share an instance.
        runId,
        connectTimeoutMs: config.connectTimeoutMs,
        keepPages: config.keepPages,
      },
    });
  } catch (e) {
    await embedded?.stop();
    reaper?.dismiss();
    throw e;
  }
  const swap = new SwapDevice(size, DISKS[config.disk]);
  const engine = new MemoryEngine(pool, swap, {
    link: config.link,
    placement: config.placement,
    reply: config.reply,
    viaEngine: config.memoryEngine,
    engineCachePages: Math.floor(config.engineCacheBytes / size),
    pageSizeBytes: size,
    ...(resilient ? {
      redundancy: new Redundancy(spec, config.link, config.erasureCodingBytesPerSecond),
      policy: config.policy,
      debug: ctx.debug,
      // A thread is terminated; an embedded redis-server gets SIGKILL (config refuses --server-url).
      afterTransfer: config.failServers.length === 0 ? undefined : failureInjector(config.failServers, (s) => {
        if (embedded !== null) killNow(embedded.pids[s]);
        else pool.crashServer(s);
      }),
    } : {}),
  });
  return {
    pool,
    swap,
    engine,
    report(extraNetworkBytes = 0) {
      stats.networkBytes = engine.networkBytes + extraNetworkBytes;
      stats.diskReads = swap.diskReads;
      stats.diskWrites = swap.diskWrites;
      const moved = pool.roundTripMicros();
      const cyclesOf = (micros: number) => Math.round(micros * (config.clockHz / 1e6));
      return {
        // Each server's own count of the pages (or fragments) it holds (a request to each); a
        // failed server holds none.
        servers: Array.from({ length: pool.servers }, (_, s) => {
          if (engine.hasFailed(s)) return 0;
          try {
            return pool.pagesHeld(s);
          } catch {
            return 0; // crashed, and no request had noticed it yet
          }
        }),
        serverFailures: engine.serverFailures,
        pagesRecovered: engine.pagesRecovered,
        recoveryBytes: engine.recoveryBytes,
        recoveryCycles: cyclesOf(engine.recoveryMicros),
        redundancyBytes: engine.redundancyBytes,
        remoteBytesPeak: engine.remoteBytesPeak,
        pagesOnDisk: engine.pagesOnDisk,
        engineCacheHitRate: engine.cacheHitRate,
        // Real time of the pages that moved (none: null).
        faultRoundTripMicros: moved && { p50: moved.p50, p99: moved.p99 },
        serverUrls: pool.urls,
      };
    },
    async close() {
      swap.close();
      try {
        await pool.stop();
      } finally {
        await embedded?.stop();
        // With --keep-pages the pages stay: remora ended as it should.
        reaper?.dismiss();
      }
    },
  };
}

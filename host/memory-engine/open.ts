// Opens what every memory-server policy needs: the server pool, the engine's disk and the memory
// engine between them, configured from the run; and the figures they report at the end.
import { COMPRESSED_SLOTS_PER_PAGE } from "../compression/page-compressor.ts";
import { DISKS } from "../disks/index.ts";
import type { PolicyContext } from "../policies/policy.ts";
import { MemoryServerPool } from "../servers/pool.ts";
import { startReaper, startRedisServers, type EmbeddedRedis } from "../servers/redis.ts";
import { SwapDevice } from "../swap-device.ts";
import { MemoryEngine } from "./memory-engine.ts";

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
  const runId = `${process.pid}-${crypto.randomUUID().slice(0, 8)}`;
  const urls = embedded?.urls ?? config.serverUrls;
  // If remora is cut short (Ctrl-C, a signal), the reaper deletes the run's keys for it.
  const reaper = config.transport === "redis" ? startReaper(urls, `remora:${runId}:*`, embedded?.pids ?? [], config.connectTimeoutMs) : null;
  let pool: MemoryServerPool;
  try {
    pool = await MemoryServerPool.start({
      servers: config.servers, capacityBytes: config.serverMemBytes, pageSizeBytes: size, transport: config.transport,
      // Compressed pages take the slots they fill, so the same memory holds more of them.
      slotBytes: config.compress === "none" ? size : size / COMPRESSED_SLOTS_PER_PAGE,
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
      return {
        // Each server's own count of the pages it holds (a request to each).
        servers: Array.from({ length: pool.servers }, (_, s) => pool.pagesHeld(s)),
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

import { DISKS } from "../disks/index.ts";
import { MemoryEngine } from "../memory-engine/memory-engine.ts";
import { MemoryServerPool } from "../servers/pool.ts";
import { SwapDevice } from "../swap-device.ts";
import type { Policy } from "./policy.ts";

/** RAM_DISK (Markatos'96) and Anemone's paging: whole pages move between local frames and memory
 *  servers through the memory engine. A page-in takes the page off its server, so every eviction
 *  sends the page back, clean or not; when every server is full the engine spills to its disk. */
export const ramDiskPolicy: Policy = {
  name: "ram-disk",
  description: "page to memory servers through the memory engine (RAM_DISK, Anemone)",
  localPages: (configured) => configured,
  async create(ctx) {
    const { config, stats } = ctx;
    const size = config.pageSizeBytes;
    const pool = await MemoryServerPool.start({ servers: config.servers, capacityBytes: config.serverMemBytes, pageSizeBytes: size });
    const swap = new SwapDevice(size, DISKS[config.disk]);
    const engine = new MemoryEngine(pool, swap, {
      link: config.link,
      placement: config.placement,
      reply: config.reply,
      engineCachePages: Math.floor(config.engineCacheBytes / size),
      pageSizeBytes: size,
    });
    return {
      pageOut: (vpage, bytes, _dirty, now) => engine.pageOut(vpage, bytes, now),
      pageIn: (vpage, into, now) => engine.pageIn(vpage, into, now),
      report() {
        stats.networkBytes = engine.networkBytes;
        stats.diskReads = swap.diskReads;
        stats.diskWrites = swap.diskWrites;
        const roundTrip = pool.roundTripMicros();
        return {
          // Each server's own count of the pages it holds (a request to each).
          servers: Array.from({ length: pool.servers }, (_, s) => pool.pagesHeld(s)),
          pagesOnDisk: engine.pagesOnDisk,
          engineCacheHitRate: engine.cacheHitRate,
          faultRoundTripMicros: { p50: roundTrip.p50, p99: roundTrip.p99 },
        };
      },
      async close() {
        swap.close();
        await pool.stop();
      },
    };
  },
};

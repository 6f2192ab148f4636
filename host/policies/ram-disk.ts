import { compressedTransfers, PageCompressor } from "../compression/page-compressor.ts";
import { openRemoteMemory } from "../memory-engine/open.ts";
import type { Policy } from "./policy.ts";

/** RAM_DISK (Markatos'96) and Anemone's paging: whole pages move between local frames and memory
 *  servers through the memory engine. A page-in takes the page off its server, so every eviction
 *  sends the page back, clean or not; when every server is full the engine spills to its disk.
 *  With --compress the pages travel and are kept compressed (host/compression/). */
export const ramDiskPolicy: Policy = {
  name: "ram-disk",
  description: "page to memory servers through the memory engine (RAM_DISK, Anemone)",
  localPages: (configured) => configured,
  async create(ctx) {
    const { config } = ctx;
    const remote = await openRemoteMemory(ctx);
    const { engine } = remote;
    const compressor = config.compress === "none" ? null : new PageCompressor(config);
    const transfers = compressor === null ? engine : compressedTransfers({
      write: (vpage, stored, now) => engine.pageOut(vpage, stored, now),
      read: (vpage, into, now) => engine.pageIn(vpage, into, now),
      storedBytes: (vpage) => engine.storedBytes(vpage),
    }, compressor, config.pageSizeBytes);
    return {
      pageOut: (vpage, bytes, _dirty, now) => transfers.pageOut(vpage, bytes, now),
      pageIn: (vpage, into, now) => transfers.pageIn(vpage, into, now),
      // The engine's map is by page number: readahead takes the next pages it holds.
      prefetchStore: {
        holds: (vpage) => engine.holds(vpage),
        following: (vpage, n) => Array.from({ length: n }, (_, k) => vpage + 1 + k).filter((v) => engine.holds(v)),
      },
      takeExtraStallMicros: engine.resilient ? () => engine.takeExtraMicros() : undefined,
      report: () => ({ ...remote.report(), compression: compressor?.report() ?? null }),
      close: () => remote.close(),
    };
  },
};

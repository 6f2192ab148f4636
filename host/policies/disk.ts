import { compressedTransfers, PageCompressor } from "../compression/page-compressor.ts";
import { DISKS } from "../disks/index.ts";
import { SwapDevice } from "../swap-device.ts";
import type { Policy } from "./policy.ts";

/** DISK (Markatos'96): evicted pages go to a swap file behind the modelled disk
 *  (host/swap-device.ts: clustered write-backs, one arm). A clean page keeps its swap copy and is
 *  not written again. With --compress the swap holds compressed pages (host/compression/). */
export const diskPolicy: Policy = {
  name: "disk",
  description: "page to a swap file behind a modelled disk",
  localPages: (configured) => configured,
  create(ctx) {
    const { config, stats } = ctx;
    const swap = new SwapDevice(config.pageSizeBytes, DISKS[config.disk]);
    const compressor = config.compress === "none" ? null : new PageCompressor(config);
    const transfers = compressor === null
      ? { pageOut: (vpage: number, bytes: Uint8Array, now: number) => swap.write(vpage, bytes, now), pageIn: (vpage: number, into: Uint8Array, now: number) => swap.read(vpage, into, now) }
      : compressedTransfers(swap, compressor, config.pageSizeBytes);
    return {
      pageOut: (vpage, bytes, dirty, now) => (dirty ? transfers.pageOut(vpage, bytes, now) : null),
      pageIn: (vpage, into, now) => transfers.pageIn(vpage, into, now),
      prefetchStore: { holds: (vpage) => swap.has(vpage), following: (vpage, n) => swap.following(vpage, n) },
      report() {
        stats.diskReads = swap.diskReads;
        stats.diskWrites = swap.diskWrites;
        return { compression: compressor?.report() ?? null };
      },
      close: () => swap.close(),
    };
  },
};

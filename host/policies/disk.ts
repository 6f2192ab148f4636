import { DISKS } from "../disks/index.ts";
import { SwapDevice } from "../swap-device.ts";
import type { Policy } from "./policy.ts";

/** DISK (Markatos'96): evicted pages go to a swap file behind the modelled disk
 *  (host/swap-device.ts: clustered write-backs, one arm). A clean page keeps its swap copy and is
 *  not written again. */
export const diskPolicy: Policy = {
  name: "disk",
  description: "page to a swap file behind a modelled disk",
  localPages: (configured) => configured,
  create(ctx) {
    const { config, stats } = ctx;
    const swap = new SwapDevice(config.pageSizeBytes, DISKS[config.disk]);
    return {
      pageOut: (vpage, bytes, dirty, now) => (dirty ? swap.write(vpage, bytes, now) : null),
      pageIn: (vpage, into, now) => swap.read(vpage, into, now),
      prefetchStore: { holds: (vpage) => swap.has(vpage), following: (vpage, n) => swap.following(vpage, n) },
      report() {
        stats.diskReads = swap.diskReads;
        stats.diskWrites = swap.diskWrites;
        return {};
      },
      close: () => swap.close(),
    };
  },
};

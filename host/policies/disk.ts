import { DISKS } from "../disks/index.ts";
import { diskTransferSeconds } from "../disks/disk.ts";
import { SwapFile } from "../swapfile.ts";
import type { Policy } from "./policy.ts";

/** DISK (Markatos'96): evicted pages go to a swap file behind the modelled disk; every page-in
 *  and every write-back of a dirty page pays seek + rotation + transfer. */
export const diskPolicy: Policy = {
  name: "disk",
  description: "page to a swap file behind a modelled disk",
  localPages: (configured) => configured,
  create(ctx) {
    const { config, stats } = ctx;
    const disk = DISKS[config.disk];
    const pageCycles = diskTransferSeconds(disk, config.pageSizeBytes) * config.clockHz;
    const swap = new SwapFile(config.pageSizeBytes);
    return {
      pageOut(vpage, bytes) {
        swap.write(vpage, bytes);
        stats.diskWrites++;
        ctx.chargeCycles(pageCycles);
      },
      pageIn(vpage, into) {
        if (!swap.has(vpage)) return false;
        swap.read(vpage, into);
        stats.diskReads++;
        ctx.chargeCycles(pageCycles);
        return true;
      },
      close: () => swap.close(),
    };
  },
};

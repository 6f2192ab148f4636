import type { DiskModel } from "./disk.ts";

// A 7200 rpm hard disk: ~4 ms average seek and 4.17 ms rotational delay (datasheets, DESIGN.md);
// 150 MB/s sustained transfer.
export const hdd7200: DiskModel = {
  name: "hdd7200",
  description: "7200 rpm hard disk: 4 ms seek, 4.17 ms rotation, 150 MB/s",
  seekMillis: 4,
  rotationMillis: 60_000 / 7200 / 2,
  bytesPerSecond: 150e6,
  assumptions: [
    "4 ms average seek: 7200 rpm datasheets (DESIGN.md)",
    "4.17 ms average rotational delay: half a revolution at 7200 rpm (DESIGN.md)",
    "150 MB/s sustained transfer: a typical 7200 rpm datasheet figure; an assumption",
    "a random 4 KiB access takes 8.2 ms; Anemone measured 6.5 ms average disk faults on its own disk and workloads (DESIGN.md)",
  ],
};

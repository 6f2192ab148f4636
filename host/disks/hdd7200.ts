import type { DiskModel } from "./disk.ts";

// A 7200 rpm hard disk: ~4 ms average seek and 4.17 ms rotational delay (datasheets, DESIGN.md);
// 150 MB/s sustained transfer.
export const hdd7200: DiskModel = {
  name: "hdd7200",
  description: "7200 rpm hard disk: 4 ms seek, 4.17 ms rotation, 150 MB/s",
  seekMillis: 4,
  rotationMillis: 60_000 / 7200 / 2,
  bytesPerSecond: 150e6,
};

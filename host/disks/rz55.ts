import type { DiskModel } from "./disk.ts";

// DEC RZ55 of Markatos' era: 16 ms average seek (the pager paper, USENIX'96); 3600 rpm gives
// 8.33 ms average rotational delay; 5 MB/s transfer, the disk rate Markatos'96 assumes.
export const rz55: DiskModel = {
  name: "rz55",
  description: "DEC RZ55 (1990s): 16 ms seek, 3600 rpm, 5 MB/s",
  seekMillis: 16,
  rotationMillis: 60_000 / 3600 / 2,
  bytesPerSecond: 5e6,
  assumptions: [
    "16 ms average seek: the RZ55 of the same group's pager paper (USENIX'96; DESIGN.md)",
    "8.33 ms average rotational delay: half a revolution at 3600 rpm",
    "5 MB/s transfer: the disk transfer rate Markatos'96 assumes (DESIGN.md)",
  ],
};

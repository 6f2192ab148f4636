import type { DiskModel } from "./disk.ts";

// An NVMe flash SSD (TLC NAND, PCIe 3.0 x4). Flash has no seek or rotation: its whole access
// latency, ~70 us for a 4 KiB random read at queue depth 1 (DESIGN.md: ~50-80 us), is modelled as
// seekMillis with rotationMillis 0, so a random 4 KiB read costs 70 + 1.6 = 71.6 us.
export const nvme: DiskModel = {
  name: "nvme",
  description: "NVMe flash SSD: 70 us access latency, 2.5 GB/s",
  seekMillis: 0.07,
  rotationMillis: 0,
  bytesPerSecond: 2.5e9,
  assumptions: [
    "70 us access latency, modelled as seek with no rotation: a 4 KiB random read at queue depth 1 on TLC NAND (DESIGN.md: ~50-80 us)",
    "2.5 GB/s transfer: sequential reads of PCIe 3.0 x4 NVMe drives are 2-3.5 GB/s; an assumption within DESIGN.md's range",
    "the arm's sequential discount (transfer only) stands for the drive's read-ahead; an optimistic approximation for flash",
    "writes cost the same as reads: the drive's write cache hides the slower NAND programming",
  ],
};

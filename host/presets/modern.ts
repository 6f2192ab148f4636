import type { Preset } from "./preset.ts";

export const modern: Preset = {
  name: "modern",
  description: "today: 25 Gb/s Ethernet to memory servers, NVMe swap",
  pageSizeBytes: 4096,
  clockHz: 3e9,
  localAccessCycles: 1,
  localMemBytes: 1 << 20,
  disk: "nvme",
  link: "25g",
  faultHandlingMicros: 2,
  servers: 2,
  serverMemBytes: 512 * 2 ** 20,
  assumptions: [
    "4 KiB pages, 3 GHz core",
    "25 GbE (host/links/25g.ts); --link rdma100 for InfiniBand-class remote memory",
    "NVMe swap (host/disks/nvme.ts: ~70 µs a 4 KiB read)",
    "2 µs of kernel fault handling per major fault (trap, page-table update, a few context switches' worth of work): an order-of-magnitude assumption",
  ],
};

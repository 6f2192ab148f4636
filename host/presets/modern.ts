import type { Preset } from "./preset.ts";

export const modern: Preset = {
  name: "modern",
  description: "today: 25 Gb/s Ethernet to memory servers, NVMe swap",
  pageSizeBytes: 4096,
  clockHz: 3e9,
  localAccessCycles: 1,
  remoteAccessCycles: 1000,
  softwareRemoteAccessCycles: 10000,
  counterInterruptCycles: 3000,
  localMemBytes: 1 << 20,
  disk: "nvme",
  link: "25g",
  faultHandlingMicros: 2,
  memoryEngine: true,
  codecSpeedRatio: 3 / 2.7,
  servers: 2,
  serverMemBytes: 512 * 2 ** 20,
  assumptions: [
    "a remote access over 25 GbE or RDMA takes about 1 µs in hardware (3000 cycles at 3 GHz would be the round trip; 1000 assumes a CXL-like fabric) and about 10x that in software; an interrupt 1 µs (assumptions)",
    "4 KiB pages, 3 GHz core",
    "25 GbE (host/links/25g.ts); --link rdma100 for InfiniBand-class remote memory",
    "NVMe swap (host/disks/nvme.ts: ~70 µs a 4 KiB read)",
    "--compress: the page codecs at their speed on the lz4 README's 2.7 GHz Core i5-3340M scaled by clock to 3 GHz (the same work per clock: an assumption; newer lz4 releases are faster)",
    "2 µs of kernel fault handling per major fault (trap, page-table update, a few context switches' worth of work): an order-of-magnitude assumption",
  ],
};

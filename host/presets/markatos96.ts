import type { Preset } from "./preset.ts";

export const markatos96: Preset = {
  name: "markatos96",
  description: "Markatos'96: DEC Alpha 3000/300, 8 KiB pages, RZ55 disk",
  pageSizeBytes: 8192,
  clockHz: 150e6,
  localAccessCycles: 1,
  remoteAccessCycles: 100,
  softwareRemoteAccessCycles: 1000,
  counterInterruptCycles: 1000,
  localMemBytes: 1 << 20,
  disk: "rz55",
  link: "atm155",
  faultHandlingMicros: 0,
  memoryEngine: false,
  servers: 1,
  serverMemBytes: 256 * 2 ** 20,
  assumptions: [
    "a remote access costs 100 cycles in hardware and 1000 in software (Markatos'96); the counter interrupt 1000 cycles, a few µs of OS work at 150 MHz (an assumption: the paper does not give it)",
    "DEC Alpha 3000/300 at 150 MHz with 8 KiB pages: the same group's pager paper (USENIX'96), assumed for the paper's unknown table 1",
    "a local access costs 1 cycle and a remote one 100 (Markatos'96: remote : local = 100 : 1)",
    "RZ55 disk: 16 ms average seek, 3600 rpm, 5 MB/s (Markatos'96 gives the 5 MB/s)",
    "1 MiB local memory, so the small working sets are several times local memory",
    "155 Mb/s ATM (16.95 MB/s for a page) to one memory server with room for every program, with no memory engine: the client's pager talks to the server (Markatos'96 has no engine). Fig. 1's network is not given; fig. 2 sweeps 1-100 MB/s and says remote memory wins from the disk's 5 MB/s and clearly by 25 MB/s, so fig. 1 ran on a network well above Ethernet's 1.25 MB/s. ATM OC-3 is that era's high-throughput LAN",
    "no separate client fault-handling cost: Markatos'96 charges transfers only",
  ],
};

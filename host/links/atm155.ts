import type { LinkModel } from "./link.ts";

// 155 Mb/s ATM (OC-3c), the high-throughput LAN of the mid-1990s workstation cluster: the network
// Markatos'96 calls "a modern interconnection network". A page travels as AAL5 cells of 48 bytes
// of payload and a 5-byte header; the host cost is a user-level network interface's (U-Net).
export const atm155: LinkModel = {
  name: "atm155",
  description: "155 Mb/s ATM (OC-3c, mid-1990s clusters): 53-byte cells, 10 us latency, 11 us per message end",
  // SONET OC-3c carries 149.76 Mb/s of cells out of its 155.52 Mb/s line rate.
  bytesPerSecond: 149.76e6 / 8,
  latencyMicros: 10,
  // A cell carries 48 bytes of payload; its 5-byte header travels outside, like a frame's.
  mtuBytes: 48,
  packetHeaderBytes: 0,
  frameOverheadBytes: 5,
  protocolMicros: 11,
  assumptions: [
    "149.76 Mb/s = 18.72 MB/s of cells: the SONET OC-3c payload rate of a 155.52 Mb/s ATM link",
    "53-byte cells, 48 of payload (AAL5's 8-byte trailer ignored): an 8 KiB page is 171 cells, 483 us on the wire (the last cell's padding not counted), an effective 16.95 MB/s",
    "10 us one-way latency: one ATM switch (a few us) and the adapters; an assumption of order of magnitude",
    "11 us a message end: U-Net on 140 Mb/s ATM (von Eicken et al., SOSP'95) measured about 65 us for a small-message round trip; with 10 us latency each way that leaves about 11 us for each of the four ends",
  ],
};

import type { LinkModel } from "./link.ts";

// 1 Gb/s Ethernet, the network of Anemone (2005): Linux hosts and one switch. Anemone measured a
// 4 KiB fault in 650-700 us through its engine; most of that is the engine's and the client's
// software, which the policies charge separately, not the link's.
export const gigabit: LinkModel = {
  name: "gigabit",
  description: "1 Gb/s Ethernet (Anemone): 5 us latency, 20 us per message end",
  bytesPerSecond: 1e9 / 8,
  // NIC PHY/MAC at both ends (~1 us each) + one switch's forwarding latency (~2-4 us at its best)
  // + 100 m of cable (0.5 us).
  latencyMicros: 5,
  mtuBytes: 1500,
  packetHeaderBytes: 40, // IPv4 20 + TCP 20
  frameOverheadBytes: 38, // Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12
  // A 2005-era Linux kernel stack on a ~2-3 GHz CPU: system call, protocol processing, interrupt;
  // netperf-style small-message round trips of 50-100 us on gigabit of that time.
  protocolMicros: 20,
  assumptions: [
    "1 Gb/s = 125 MB/s: Anemone's gigabit Ethernet; a 4 KiB page is 3 frames, 34.64 us on the wire (DESIGN.md)",
    "1500-byte MTU; 40 bytes IPv4 + TCP headers a packet; 38 bytes Ethernet header, FCS, preamble and inter-frame gap a frame (IEEE 802.3)",
    "5 us one-way latency: NIC PHY/MAC ~1 us an end + one switch's forwarding ~2-4 us + 100 m of cable 0.5 us (datasheet-style figures)",
    "20 us software cost a message end: a 2005-era Linux kernel stack (system call, protocol, interrupt); small-message round trips of 50-100 us on gigabit of that time; an assumption",
    "Anemone's 650-700 us 4 KiB fault includes its engine's and client's paging software, which the link does not model",
  ],
};

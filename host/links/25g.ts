import type { LinkModel } from "./link.ts";

// 25 Gb/s Ethernet, a current datacenter server link, with the ordinary Linux kernel stack.
export const ethernet25g: LinkModel = {
  name: "25g",
  description: "25 Gb/s Ethernet, kernel TCP/IP: 2 us latency, 5 us per message end",
  bytesPerSecond: 25e9 / 8,
  // NIC PHY/MAC at both ends (~0.5 us each) + one cut-through top-of-rack switch (~0.5-1 us)
  // + a few metres of cable.
  latencyMicros: 2,
  mtuBytes: 1500,
  packetHeaderBytes: 40, // IPv4 20 + TCP 20
  frameOverheadBytes: 38, // Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12
  // A current Linux kernel TCP/UDP path on a modern server core: netperf TCP_RR round trips of
  // about 20-30 us on 25 GbE, four message ends -> ~5 us an end.
  protocolMicros: 5,
  assumptions: [
    "25 Gb/s = 3.125 GB/s: one 25GBASE lane after 64b/66b coding",
    "1500-byte MTU; 40 bytes IPv4 + TCP headers a packet; 38 bytes Ethernet header, FCS, preamble and inter-frame gap a frame (IEEE 802.3)",
    "2 us one-way latency: NIC PHY/MAC ~0.5 us an end + one cut-through switch ~0.5-1 us + cable (datasheet-style figures)",
    "5 us software cost a message end: a current Linux kernel TCP/UDP path; small-message round trips of about 20-30 us (netperf TCP_RR) over four ends; an assumption",
  ],
};

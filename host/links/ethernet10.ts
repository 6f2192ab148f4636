import type { LinkModel } from "./link.ts";

// 10 Mb/s Ethernet, the network of Markatos' remote-memory pager (USENIX'96) on DEC Alpha
// 3000/300 workstations (DESIGN.md, "machine of that era").
export const ethernet10: LinkModel = {
  name: "ethernet10",
  description: "10 Mb/s Ethernet (Markatos' pager, USENIX'96): 10 us latency, 250 us per message end",
  bytesPerSecond: 10e6 / 8,
  // A LAN segment in one building: under 1 us of cable plus a repeater or hub (a few bit times each,
  // 0.1 us a bit); rounded up. The 51.2 us slot time bounds a collision domain's round trip.
  latencyMicros: 10,
  mtuBytes: 1500,
  packetHeaderBytes: 40, // IPv4 20 + TCP 20
  frameOverheadBytes: 38, // Ethernet header 14 + FCS 4 + preamble/SFD 8 + inter-frame gap 12
  // Mid-1990s kernel UDP/TCP on a ~150 MHz workstation: small-message round trips of about 1 ms,
  // four message ends each -> ~250 us an end. An assumption of order of magnitude.
  protocolMicros: 250,
  assumptions: [
    "10 Mb/s = 1.25 MB/s: the 10 Mb/s Ethernet of Markatos' pager (USENIX'96; DESIGN.md)",
    "1500-byte MTU; 40 bytes IPv4 + TCP headers a packet; 38 bytes Ethernet header, FCS, preamble and inter-frame gap a frame (IEEE 802.3)",
    "10 us one-way latency: one LAN segment with a hub (cable < 1 us, repeaters a few bit times of 0.1 us), rounded up; well under the 51.2 us slot time",
    "250 us software cost a message end: mid-1990s kernel UDP/TCP on a ~150 MHz workstation gave small-message round trips of about 1 ms (four ends); an assumption of order of magnitude, the papers give none",
  ],
};

import type { LinkModel } from "./link.ts";

// 100 Gb/s InfiniBand-class RDMA (EDR, ConnectX-4 and later): the NIC moves the data, so the
// software cost of a message is posting a work request and polling its completion.
//
// Calibration: ib_send_lat (perftest) reports half a ping-pong. On ConnectX-4 100 Gb/s, back to
// back, RC, 4096-byte MTU it gives 0.83 us for 32 B and 2.28 us for 4 KiB (D. Potter's master's
// thesis, RWTH Aachen 2018, table "mtu_performance"). With latency 0.6 + protocol 0.25 a small
// message takes 0.86 us one way, and a page fetch (a 64 B request, then the 4 KiB page back)
// 0.86 + 1.18 = 2.04 us: the ~2-3 us of DESIGN.md. A lone 4 KiB message comes out 1.1 us faster
// than ib_send_lat's: the model has one serialisation a hop, not the PCIe DMA at each end.
export const rdma100: LinkModel = {
  name: "rdma100",
  description: "100 Gb/s InfiniBand-class RDMA: 0.6 us latency, 0.25 us per message end, 4 KiB MTU",
  bytesPerSecond: 100e9 / 8,
  // Host channel adapters at both ends plus cable (~0.3 us an end, ConnectX-class); an IB switch
  // adds ~0.1 us more per hop.
  latencyMicros: 0.6,
  // InfiniBand's largest MTU, 4096 bytes, counts payload only (the headers travel outside it), so a
  // 4 KiB page is exactly one packet: packetHeaderBytes 0, all headers in frameOverheadBytes.
  mtuBytes: 4096,
  packetHeaderBytes: 0,
  // LRH 8 + BTH 12 + ICRC 4 + VCRC 2 (no GRH inside one subnet).
  frameOverheadBytes: 26,
  // ibv_post_send (a doorbell write) and polling the completion queue: kernel bypass, no interrupt.
  protocolMicros: 0.25,
  assumptions: [
    "100 Gb/s = 12.5 GB/s: InfiniBand EDR 4x (25.78 Gb/s lanes after 64b/66b coding)",
    "4096-byte MTU, InfiniBand's largest; it counts payload only, so a 4 KiB page is one packet (packetHeaderBytes 0)",
    "26 bytes a packet: LRH 8 + BTH 12 + ICRC 4 + VCRC 2, no GRH within a subnet (InfiniBand Architecture Specification)",
    "0.6 us one-way latency and 0.25 us a message end (post a work request, poll the completion): a small message then takes 0.86 us, ib_send_lat's 0.83 us on ConnectX-4 100 Gb/s (D. Potter, RWTH Aachen master's thesis, 2018)",
    "a 4 KiB page fetch (64 B request, page back) takes 2.04 us: DESIGN.md's ~2-3 us (ib_send_lat); a lone 4 KiB message takes 1.18 us against ib_send_lat's 2.28 us, since PCIe DMA at each end is not modelled",
  ],
};

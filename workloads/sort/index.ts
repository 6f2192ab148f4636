import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mix } from "../lib/rng.ts";

export const sort: WorkloadSpec = {
  name: "sort",
  description: "merge sort of n 16-byte records (u64 key, u32 payload, two u16 fields) (Markatos'96 SORT)",
  accessPattern: "log2(n) sequential passes streaming two runs of one buffer into the other",
  // n: the number of records.
  sizes: { tiny: 30000, small: 300000, medium: 2000000, large: 9000000 },
  // The records plus the merge buffer of the same size.
  workingSetBytes: (n) => 2 * n * 16,
  reference(n, seed) {
    const rng = new Rng(seed);
    const lo = new Uint32Array(n);
    const hi = new Uint32Array(n);
    const tag = new Uint32Array(n);
    for (let i = 0; i < n; i++) {
      lo[i] = rng.nextU32();
      hi[i] = rng.nextU32();
      tag[i] = rng.nextU32() >>> 16;
    }
    // A stable sort of the record indices by (hi, lo): the order is unique, whatever the algorithm.
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b] || a - b);
    let h = CHECKSUM_INIT;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      h = mix(h, lo[i]);
      h = mix(h, hi[i]);
      h = mix(h, i);
      h = mix(h, (tag[i] | ((tag[i] ^ (i & 0xffff)) << 16)) >>> 0);
    }
    return h;
  },
};

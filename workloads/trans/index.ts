import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mix } from "../lib/rng.ts";

export const trans: WorkloadSpec = {
  name: "trans",
  description: "matrix transpose of n x n 32-bit words (Markatos'96 TRANS)",
  accessPattern: "reads rows sequentially, writes columns: a stride of n*4 bytes, no locality",
  // n: the matrix dimension. Non-powers of two avoid cache-conflict artefacts in native runs.
  sizes: { tiny: 300, small: 1000, medium: 3000, large: 5800 },
  workingSetBytes: (n) => 2 * n * n * 4,
  reference(n, seed) {
    const rng = new Rng(seed);
    const src = new Uint32Array(n * n);
    for (let k = 0; k < n * n; k++) src[k] = rng.nextU32();
    const dst = new Uint32Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) dst[j * n + i] = src[i * n + j];
    let h = CHECKSUM_INIT;
    for (let k = 0; k < n * n; k++) h = mix(h, dst[k]);
    return h;
  },
};

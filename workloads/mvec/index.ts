import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mixF64 } from "../lib/rng.ts";

export const mvec: WorkloadSpec = {
  name: "mvec",
  description: "matrix-vector product y = A x of a dense n x n f64 matrix read once (Markatos'96 MVEC)",
  accessPattern: "one sequential write pass then one sequential read pass over A: no reuse",
  // n: the matrix dimension.
  sizes: { tiny: 300, small: 1200, medium: 3000, large: 4200 },
  workingSetBytes: (n) => (n * n + 2 * n) * 8,
  reference(n, seed) {
    const rng = new Rng(seed);
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) x[j] = rng.nextF64() - 0.5;
    const a = new Float64Array(n * n);
    for (let k = 0; k < n * n; k++) a[k] = rng.nextF64() * 2.0 - 1.0;
    let h = CHECKSUM_INIT;
    for (let i = 0; i < n; i++) {
      let s = 0.0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * x[j];
      h = mixF64(h, s);
    }
    return h;
  },
};

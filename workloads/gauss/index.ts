import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mixF64 } from "../lib/rng.ts";

export const gauss: WorkloadSpec = {
  name: "gauss",
  description: "Gaussian elimination of a dense diagonally dominant n x n f64 system (Markatos'96 GAUSS)",
  accessPattern: "repeated row-major sweeps over a shrinking trailing submatrix, pivot row reused",
  // n: the matrix dimension. O(n^3) work, so the sizes grow more slowly than the data of the others.
  sizes: { tiny: 300, small: 800, medium: 2520, large: 4100 },
  workingSetBytes: (n) => (n * n + 2 * n) * 8,
  reference(n, seed) {
    const rng = new Rng(seed);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = rng.nextF64();
        a[i * n + j] = i === j ? n + v : v - 0.5;
      }
    }
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) b[i] = rng.nextF64();
    for (let k = 0; k < n; k++) {
      const p = k * n;
      for (let i = k + 1; i < n; i++) {
        const r = i * n;
        const f = a[r + k] / a[p + k];
        a[r + k] = f;
        for (let j = k + 1; j < n; j++) a[r + j] -= f * a[p + j];
        b[i] -= f * b[k];
      }
    }
    const x = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      let s = b[i];
      for (let j = i + 1; j < n; j++) s -= a[i * n + j] * x[j];
      x[i] = s / a[i * n + i];
    }
    let h = CHECKSUM_INIT;
    for (let i = 0; i < n; i++) h = mixF64(h, x[i]);
    for (let k = 0; k < n * n; k++) h = mixF64(h, a[k]);
    return h;
  },
};

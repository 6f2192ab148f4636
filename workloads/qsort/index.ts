import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mix } from "../lib/rng.ts";

export const qsort: WorkloadSpec = {
  name: "qsort",
  description:
    "in-place median-of-three quicksort of n random 32-bit integers (the quicksort program of " +
    "Hines et al., \"Anemone: Adaptive Network Memory Engine\")",
  accessPattern:
    "recursive partitioning: two sequential scans converging from both ends of a range, " +
    "ranges halving until they fit in a few pages; log2(n) passes over the array in all",
  // n: the number of 32-bit integers (4 bytes each). Not powers of two.
  sizes: { tiny: 300_000, small: 2_500_000, medium: 20_000_000, large: 70_000_000 },
  workingSetBytes: (n) => 4 * n,
  reference(n, seed) {
    // The sorted order is unique, so an independent sort (the engine's typed-array sort) must
    // yield exactly the program's output.
    const rng = new Rng(seed);
    const a = new Int32Array(n);
    for (let k = 0; k < n; k++) a[k] = rng.nextU32() | 0;
    a.sort();
    let h = CHECKSUM_INIT;
    for (let k = 0; k < n; k++) h = mix(h, a[k] >>> 0);
    return h;
  },
};

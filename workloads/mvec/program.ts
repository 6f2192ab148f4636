// MVEC (Markatos'96): y = A x for a dense n x n f64 matrix A. A is generated and stored in one
// sequential pass, then read exactly once, row by row, by the product: after its first touch no
// page of A is ever reused. x (a StaticArray) and y (an Array) are small and stay hot.
import { seedRng, nextF64, mixF64, CHECKSUM_INIT } from "../lib/rng.as";

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  const cols = <usize>n;
  const x = new StaticArray<f64>(n);
  for (let j = 0; j < n; j++) unchecked((x[j] = nextF64() - 0.5));
  const entries = cols * cols;
  const a = heap.alloc(entries << 3);
  for (let k: usize = 0; k < entries; k++) store<f64>(a + (k << 3), nextF64() * 2.0 - 1.0);

  const y = new Array<f64>(n);
  for (let i = 0; i < n; i++) {
    const row = a + ((<usize>i * cols) << 3);
    let s = 0.0;
    for (let j = 0; j < n; j++) s += load<f64>(row + (<usize>j << 3)) * unchecked(x[j]);
    unchecked((y[i] = s));
  }

  let h = CHECKSUM_INIT;
  for (let i = 0; i < n; i++) h = mixF64(h, unchecked(y[i]));
  return h;
}

// GAUSS (Markatos'96): Gaussian elimination of a dense n x n system A x = b, then back
// substitution. A is diagonally dominant, so no pivoting is needed. Step k reads pivot row k and
// rewrites every row below it from column k on: the trailing submatrix is swept n times, each
// sweep a little smaller, so the pages at the top of the matrix fall out of use first.
// A and b are managed StaticArrays (their allocation exercises the runtime's memory.fill).
import { seedRng, nextF64, mixF64, CHECKSUM_INIT } from "../lib/rng.as";

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  // Row-major; n*n stays far below i32 range for any matrix the allocator accepts (< 1 GiB).
  const a = new StaticArray<f64>(n * n);
  const b = new StaticArray<f64>(n);
  const x = new StaticArray<f64>(n);
  const diag = <f64>n;
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let j = 0; j < n; j++) {
      // Off-diagonal entries in [-0.5, 0.5), diagonal in [n, n+1): strictly diagonally dominant.
      const v = nextF64();
      unchecked((a[row + j] = i == j ? diag + v : v - 0.5));
    }
  }
  for (let i = 0; i < n; i++) unchecked((b[i] = nextF64()));

  // Forward elimination; the multipliers are kept below the diagonal (an LU factorisation).
  for (let k = 0; k < n; k++) {
    const pivotRow = k * n;
    const pivot = unchecked(a[pivotRow + k]);
    const bk = unchecked(b[k]);
    for (let i = k + 1; i < n; i++) {
      const row = i * n;
      const f = unchecked(a[row + k]) / pivot;
      unchecked((a[row + k] = f));
      for (let j = k + 1; j < n; j++) {
        unchecked((a[row + j] = a[row + j] - f * a[pivotRow + j]));
      }
      unchecked((b[i] = b[i] - f * bk));
    }
  }

  // Back substitution.
  for (let i = n - 1; i >= 0; i--) {
    const row = i * n;
    let s = unchecked(b[i]);
    for (let j = i + 1; j < n; j++) s -= unchecked(a[row + j]) * unchecked(x[j]);
    unchecked((x[i] = s / a[row + i]));
  }

  let h = CHECKSUM_INIT;
  for (let i = 0; i < n; i++) h = mixF64(h, unchecked(x[i]));
  for (let k = 0; k < n * n; k++) h = mixF64(h, unchecked(a[k]));
  return h;
}

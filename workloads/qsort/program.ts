// QSORT (the quicksort program of the Anemone paper): sort n random 32-bit signed integers in
// place in a StaticArray. Median-of-three quicksort (Sedgewick's partition) that recurses into the
// smaller side and loops on the larger, so the stack stays O(log n); ranges below CUTOFF are
// finished by insertion sort. Each partition scans its range from both ends toward the middle.
// The sort indexes with unchecked(): the sentinels keep every index inside [lo, hi], and without
// it AssemblyScript calls a bounds-checking accessor for every element (about 3x slower).
import { seedRng, nextU32, mix, CHECKSUM_INIT } from "../lib/rng.as";

const CUTOFF = 16;

@inline
function swap(a: StaticArray<i32>, i: i32, j: i32): void {
  const t = unchecked(a[i]);
  unchecked((a[i] = a[j]));
  unchecked((a[j] = t));
}

function insertionSort(a: StaticArray<i32>, lo: i32, hi: i32): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = unchecked(a[i]);
    let j = i - 1;
    while (j >= lo && unchecked(a[j]) > v) {
      unchecked((a[j + 1] = a[j]));
      j--;
    }
    unchecked((a[j + 1] = v));
  }
}

/** Sorts a[lo..hi], both inclusive. */
function quicksort(a: StaticArray<i32>, lo: i32, hi: i32): void {
  while (hi - lo >= CUTOFF) {
    const mid = lo + ((hi - lo) >> 1);
    if (unchecked(a[mid]) < unchecked(a[lo])) swap(a, lo, mid);
    if (unchecked(a[hi]) < unchecked(a[lo])) swap(a, lo, hi);
    if (unchecked(a[hi]) < unchecked(a[mid])) swap(a, mid, hi);
    // a[lo] <= a[mid] <= a[hi]: park the pivot at hi - 1; a[lo] and a[hi - 1] are sentinels.
    swap(a, mid, hi - 1);
    const pivot = unchecked(a[hi - 1]);
    let i = lo;
    let j = hi - 1;
    while (true) {
      do i++; while (unchecked(a[i]) < pivot);
      do j--; while (unchecked(a[j]) > pivot);
      if (i >= j) break;
      swap(a, i, j);
    }
    swap(a, i, hi - 1);
    if (i - lo < hi - i) {
      quicksort(a, lo, i - 1);
      lo = i + 1;
    } else {
      quicksort(a, i + 1, hi);
      hi = i - 1;
    }
  }
  insertionSort(a, lo, hi);
}

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  const a = new StaticArray<i32>(n);
  for (let k = 0; k < n; k++) a[k] = <i32>nextU32();
  if (n > 0) quicksort(a, 0, n - 1);
  let h = CHECKSUM_INIT;
  for (let k = 0; k < n; k++) h = mix(h, <u32>a[k]);
  return h;
}

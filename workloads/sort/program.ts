// SORT (Markatos'96): sort n 16-byte records by a 64-bit key. Each record is a u64 key, a u32
// payload (the record's original position) and two u16 fields. Bottom-up merge sort: insertion
// sort of 16-record runs, then log2(n/16) merge passes, each streaming two sorted runs of the
// source buffer into the other buffer; every pass sweeps both buffers front to back.
import { seedRng, nextU32, mix, CHECKSUM_INIT } from "../lib/rng.as";

const REC: usize = 16; // bytes per record
const RUN: usize = 16; // records per insertion-sorted run

@inline function recAt(base: usize, i: usize): usize {
  return base + i * REC;
}

@inline function copyRec(dst: usize, src: usize): void {
  store<u64>(dst, load<u64>(src));
  store<u32>(dst, load<u32>(src, 8), 8);
  store<u16>(dst, load<u16>(src, 12), 12);
  store<u16>(dst, load<u16>(src, 14), 14);
}

/** Merges src records [lo, mid) and [mid, hi) into dst[lo, hi); ties keep the left run first. */
function merge(src: usize, dst: usize, lo: usize, mid: usize, hi: usize): void {
  let i = lo;
  let j = mid;
  let k = lo;
  if (i < mid && j < hi) {
    let ki = load<u64>(recAt(src, i));
    let kj = load<u64>(recAt(src, j));
    while (true) {
      if (kj < ki) {
        copyRec(recAt(dst, k++), recAt(src, j++));
        if (j == hi) break;
        kj = load<u64>(recAt(src, j));
      } else {
        copyRec(recAt(dst, k++), recAt(src, i++));
        if (i == mid) break;
        ki = load<u64>(recAt(src, i));
      }
    }
  }
  // At most one of the two runs has records left: move them in one block.
  if (i < mid) memory.copy(recAt(dst, k), recAt(src, i), (mid - i) * REC);
  else if (j < hi) memory.copy(recAt(dst, k), recAt(src, j), (hi - j) * REC);
}

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  const count = <usize>n;
  let src = heap.alloc(count * REC);
  let dst = heap.alloc(count * REC);
  for (let i: usize = 0; i < count; i++) {
    const p = recAt(src, i);
    const lo = nextU32();
    const hi = nextU32();
    const tag = <u16>(nextU32() >> 16);
    store<u64>(p, (<u64>hi << 32) | <u64>lo);
    store<u32>(p, <u32>i, 8);
    store<u16>(p, tag, 12);
    store<u16>(p, tag ^ <u16>i, 14);
  }

  // Insertion sort of each run of RUN records, in place.
  for (let lo: usize = 0; lo < count; lo += RUN) {
    const hi = min(lo + RUN, count);
    for (let i = lo + 1; i < hi; i++) {
      const p = recAt(src, i);
      const key = load<u64>(p);
      if (load<u64>(p - REC) <= key) continue;
      const payload = load<u32>(p, 8);
      const tag = load<u16>(p, 12);
      const extra = load<u16>(p, 14);
      let j = i;
      do {
        copyRec(recAt(src, j), recAt(src, j - 1));
        j--;
      } while (j > lo && load<u64>(recAt(src, j - 1)) > key);
      const q = recAt(src, j);
      store<u64>(q, key);
      store<u32>(q, payload, 8);
      store<u16>(q, tag, 12);
      store<u16>(q, extra, 14);
    }
  }

  // Merge passes, ping-ponging between the two buffers.
  for (let width = RUN; width < count; width <<= 1) {
    for (let lo: usize = 0; lo < count; lo += width << 1) {
      const mid = min(lo + width, count);
      const hi = min(lo + (width << 1), count);
      merge(src, dst, lo, mid, hi);
    }
    const t = src;
    src = dst;
    dst = t;
  }

  let h = CHECKSUM_INIT;
  for (let i: usize = 0; i < count; i++) {
    const p = recAt(src, i);
    const key = load<u64>(p);
    h = mix(h, <u32>key);
    h = mix(h, <u32>(key >> 32));
    h = mix(h, load<u32>(p, 8));
    h = mix(h, <u32>load<u16>(p, 12) | (<u32>load<u16>(p, 14) << 16));
  }
  return h;
}

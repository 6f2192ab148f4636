// leap — Leap's prefetcher (Al Maruf and Chowdhury, "Effectively Prefetching Remote Memory with
// Leap", USENIX ATC'20, Algorithms 1-3):
// - FindTrend: the majority stride (Boyer-Moore vote) among the last w page-number deltas of the
//   fault history, for w = HISTORY/SPLITS, doubled up to HISTORY until one stride holds a strict
//   majority; none, no trend.
// - Prefetch window: grows with the prefetch hits since the last fault, to the power of two above
//   hits + 1, and shrinks by at most half per fault when there were fewer (to 1 when none were hit),
//   at most MAX_WINDOW pages.
// - With a trend, prefetch `window` pages along it from the faulting page. With none, prefetch
//   nothing: where Leap reads the pages around the fault, remora stays idle, so that an
//   irregular program pays no useless transfers (a choice of ours, not the paper's).
// The history holds page faults and prefetch hits alike: both are faults to the kernel.
import type { PrefetcherKind } from "./prefetcher.ts";

/** Leap's defaults: a history of 32 faults, trend windows from 32/4 = 8, at most 8 pages ahead
 *  (Linux's default readahead, page-cluster 3). */
const HISTORY = 32;
const SPLITS = 4;
const MAX_WINDOW = 8;

/** The stride that more than half of the last w deltas share, or null. */
export function majorityStride(deltas: number[], w: number): number | null {
  const recent = deltas.slice(-w);
  let candidate = 0, votes = 0;
  for (const d of recent) {
    if (votes === 0) candidate = d;
    votes += d === candidate ? 1 : -1;
  }
  const count = recent.filter((d) => d === candidate).length;
  return count * 2 > recent.length && candidate !== 0 ? candidate : null;
}

export function findTrend(deltas: number[]): number | null {
  for (let w = HISTORY / SPLITS; w <= HISTORY; w *= 2) {
    if (deltas.length < w / 2) return null;
    const stride = majorityStride(deltas, w);
    if (stride !== null) return stride;
  }
  return null;
}

const powerOfTwoAbove = (x: number): number => 2 ** Math.ceil(Math.log2(x));

export const leap: PrefetcherKind = {
  name: "leap",
  description: "the majority stride of recent faults, with a window that follows the hits (Leap, ATC'20)",
  create(store) {
    const deltas: number[] = [];
    let last: number | null = null;
    let hits = 0;
    let window = 1;
    const record = (vpage: number) => {
      if (last !== null) {
        deltas.push(vpage - last);
        if (deltas.length > HISTORY) deltas.shift();
      }
      last = vpage;
    };
    return {
      afterFault(vpage) {
        record(vpage);
        window = hits === 0 ? Math.max(1, window >> 1)
          : Math.min(MAX_WINDOW, Math.max(powerOfTwoAbove(hits + 1), window >> 1));
        hits = 0;
        const stride = findTrend(deltas);
        if (stride === null) return [];
        const pages: number[] = [];
        for (let k = 1; k <= window; k++) {
          const page = vpage + k * stride;
          if (page >= 0 && store.holds(page)) pages.push(page);
        }
        return pages;
      },
      hit(vpage) {
        record(vpage);
        hits++;
      },
    };
  },
};

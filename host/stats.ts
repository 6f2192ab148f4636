// What a run counts. Field names are the result JSON's.
export interface Stats {
  pageFaults: number;
  pageIns: number;
  pageOuts: number;
  evictions: number;
  migrations: number;
  diskReads: number;
  diskWrites: number;
  networkBytes: number;
  stallCycles: number;
  /** The part of stallCycles that --redundancy's extra messages and coding cost. */
  redundancyCycles: number;
  /** Pages brought in ahead of use (--prefetch), and those the program used before eviction. */
  prefetched: number;
  prefetchHits: number;
}

export function newStats(): Stats {
  return {
    pageFaults: 0, pageIns: 0, pageOuts: 0, evictions: 0, migrations: 0,
    diskReads: 0, diskWrites: 0, networkBytes: 0, stallCycles: 0, redundancyCycles: 0,
    prefetched: 0, prefetchHits: 0,
  };
}

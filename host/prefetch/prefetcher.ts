// A prefetcher chooses the pages to bring in after a page fault, ahead of their use (DISK and
// RAM_DISK, `--prefetch`). The engine (host/engine.ts) asks it after every fault that brought a page
// in from the backing store, and tells it of every prefetch hit: the first use of a prefetched page,
// which the MMU sees as a minor fault.

/** What a prefetcher may ask of the backing store. */
export interface PrefetchStore {
  /** Whether the store holds vpage (so a prefetch would bring real bytes). */
  holds(vpage: number): boolean;
  /** Up to n pages that follow vpage in the store's own order (swap slots, the engine's map). */
  following(vpage: number, n: number): number[];
}

export interface Prefetcher {
  /** After a page fault on vpage that read it from the store: the pages to prefetch, in order. */
  afterFault(vpage: number): number[];
  /** The program used a prefetched page for the first time. */
  hit(vpage: number): void;
}

export interface PrefetcherKind {
  name: string;
  description: string;
  /** `arg`: what follows the colon in `--prefetch name:arg`, if anything. */
  create(store: PrefetchStore, arg: number | null): Prefetcher;
  /** The argument's meaning and bounds, when it takes one. */
  arg?: { what: string; min: number; max: number; default: number };
}

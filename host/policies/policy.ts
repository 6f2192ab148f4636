// The policy interface. A policy decides where pages that are not local live and what moving
// them costs; the mechanism (MMU, fault path, accounting) is shared in host/engine.ts.
//
// Lifecycle of one run:
//   localPages(configured)        once, before the MMU is set up: the size of the frame pool.
//   await create(ctx)             once: opens the backing store (a swap file, memory servers, ...).
//   pageOut(vpage, bytes, dirty, nowMicros)
//                                 on each eviction, before the frame is reused: store the page, or
//                                 return null when nothing needs writing (a clean page the store
//                                 still holds). Returns when the write is done, in modelled µs.
//   pageIn(vpage, into, nowMicros)
//                                 on each page fault: fill the frame and return when the page has
//                                 arrived, or return null for a page never stored (a first touch:
//                                 the engine fills it with zeros, at no cost).
//   await report()                at the end: extra result fields (servers, cache hit rate, ...).
//   await close()                 once, at the end of the run, also after a failure.
// Both transfer hooks get the same `nowMicros` for one fault; queues in the link and disk models
// order the write-back before the read.

import type { RunConfig } from "../config.ts";
import type { PrefetchStore } from "../prefetch/prefetcher.ts";
import type { Stats } from "../stats.ts";
import type { ResilienceDebug } from "../memory-engine/memory-engine.ts";

export interface PolicyContext {
  config: RunConfig;
  stats: Stats;
  /** Tests: what the memory engine stores and rebuilds (--redundancy, --fail-server). */
  debug?: ResilienceDebug;
}

export interface Backing {
  pageOut(vpage: number, bytes: Uint8Array, dirty: boolean, nowMicros: number): number | null;
  pageIn(vpage: number, into: Uint8Array, nowMicros: number): number | null;
  // The remote policies (REMOTE_MAIN, COUNTERS) also map pages on memory servers in place:
  /** After pageOut: whether the page stays mapped on its server (COUNTERS' displaced page). */
  remoteMapped?(vpage: number): boolean;
  /** Gives a never-touched page a frame on a server; false when every server is full. */
  placeRemote?(vpage: number): boolean;
  /** A one-sided load or store of `size` bytes at vaddr on the server's copy: a load lands in
   *  phys[paddr..], a store comes from there (phys: the physical memory, one view for all calls). */
  remoteAccess?(vaddr: number, size: number, isStore: boolean, phys: Uint8Array, paddr: number): void;
  /** SOFTWARE_COUNTERS: runs vpage's counter down by `accesses` in host code (to zero at most);
   *  returns its value before (the MMU raises the interrupt when it reaches zero). */
  softwareCounter?(vpage: number, accesses: number): number;
  /** The paging policies (DISK, RAM_DISK): what `--prefetch` may ask of the store. */
  prefetchStore?: PrefetchStore;
  /** Modelled µs the store spent on the last transfers beyond their own path (--redundancy's
   *  extra messages and coding), to add to the stall; reset by the call. */
  takeExtraStallMicros?(): number;
  report?(): Promise<Record<string, unknown>> | Record<string, unknown>;
  close(): Promise<void> | void;
}

export interface Policy {
  name: string;
  description: string;
  /** How the MMU treats remote pages: 0 none (paging), 1 REMOTE_MAIN, 2 COUNTERS, 3 software. */
  remoteMode?: number;
  /** Cycles of one remote access (hardware or software): the preset's value by default. */
  remoteAccessCycles?(config: RunConfig): number;
  localPages(configured: number): number;
  create(ctx: PolicyContext): Promise<Backing> | Backing;
}

// The policy interface. A policy decides where pages that are not local live and what moving
// them costs; the mechanism (MMU, fault path, accounting) is shared in host/engine.ts.
//
// Lifecycle of one run:
//   localPages(configured)  once, before the MMU is set up: the size of the frame pool.
//   create(ctx)             once: opens the backing store (a swap file, memory servers, ...).
//   pageOut(vpage, bytes)   on each eviction of a dirty page, before its frame is reused.
//   pageIn(vpage, into)     on each page fault: fill the frame, or return false for a page that
//                           was never stored (the engine fills it with zeros, a first touch).
//   close()                 once, at the end of the run, also after a failure.
// Costs are charged through ctx.chargeCycles; counts go into ctx.stats.

import type { RunConfig } from "../config.ts";
import type { Stats } from "../stats.ts";

export interface PolicyContext {
  config: RunConfig;
  stats: Stats;
  /** Adds modelled stall time, in cycles of config.clockHz. */
  chargeCycles(cycles: number): void;
}

export interface Backing {
  pageOut(vpage: number, bytes: Uint8Array): void;
  pageIn(vpage: number, into: Uint8Array): boolean;
  close(): void;
}

export interface Policy {
  name: string;
  description: string;
  localPages(configured: number): number;
  create(ctx: PolicyContext): Backing;
}

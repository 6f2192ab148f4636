// The fixed part of physical memory, shared by the MMU and the instrumented workload.
// host/layout.ts holds the same numbers for the instrumenter; test/layout.test.ts checks they agree.
//
//   0      8           16        24       28        32         36          40          48      56        64        80   88       96  128
//   +------+-----------+---------+--------+---------+----------+-----------+-----------+-------+---------+---------+----+--------+---+-----------+
//   |      | accesses  | stores  | ptBase | touch   | frames   | virtual   | zero      |u64    | counter | scratch |byte| TLB    |   | TLB: one  |
//   |      | u64: time | u64     | u32    | Base u32| Base u32 | bytes u32 | fills u64 |remote | intr u64| 16 B    |    | misses |   | entry per |
//   +------+-----------+---------+--------+---------+----------+-----------+-----------+-------+---------+---------+----+--------+---+ site      |
//
// ptBase, touchBase and walkBase (at 96) move when the MMU's tables grow; the MMU rewrites them
// here each time, so the workload's refill path (host/instrument/) can walk the page table without
// calling it.
//
// A TLB entry (32 bytes) caches one page for one load or store instruction of the workload (or a
// few that share it, see host/instrument/entry-sharing.ts):
//
//   +0  vbase   u32  virtual address of the cached page (TLB_INVALID when empty)
//   +4  delta   u32  physical frame address minus vbase, so paddr = vaddr + delta
//   +8  lastAt  u64  the access clock at this entry's latest hit: keeps LRU exact
//   +16 frame   u32  the frame it maps (NO_FRAME when empty: touchBase + NO_FRAME * 8 wraps to
//                    a slot the MMU keeps before its touch table, so a refill folds an empty
//                    entry's stamp without a branch)
//   +20 wbase   u32  vbase again if the page is dirty, so stores may use the entry too; else
//                    TLB_INVALID (a store through it misses and dirties the page). Loads test
//                    vbase, stores wbase: the loads and stores of one record share one entry
//   +24 (unused: 32 bytes keep an entry's index a shift)
//
// The access counter is also the clock: every load and store adds one, so a page's last-use time
// is the number of accesses made before it. Everything past the TLB belongs to the MMU (mmu.ts).

export const ADDR_ACCESSES: u32 = 8;
export const ADDR_STORES: u32 = 16;
export const ADDR_PT_BASE: u32 = 24;
export const ADDR_TOUCH_BASE: u32 = 28;
export const ADDR_FRAMES_BASE: u32 = 32;
export const ADDR_VIRTUAL_BYTES: u32 = 36;
/** u64: page faults on never-touched pages that the MMU served itself (a zeroed frame). */
export const ADDR_ZERO_FILLS: u32 = 40;
/** u64: accesses served by remote memory (REMOTE_MAIN, COUNTERS). */
export const ADDR_REMOTE_ACCESSES: u32 = 48;
/** u64: counter interrupts: a remote page's reference counter reached zero (COUNTERS, in the MMU;
 *  SOFTWARE_COUNTERS, in host code, which tells the MMU). */
export const ADDR_COUNTER_INTERRUPTS: u32 = 56;
export const ADDR_SCRATCH: u32 = 64;
/** u64: the run's TLB misses. Each function counts its own in a local (a count in memory made
 *  every miss wait on the one before) and adds them here when it returns, as it does its stores. */
export const ADDR_TLB_MISSES: u32 = 88;
export const SCRATCH_BYTES: u32 = 16;
/** u32: the walk table's address (mmu.ts), which moves as ptBase does. */
export const ADDR_WALK_BASE: u32 = 96;
// The walk table: 16 bytes per virtual page, read by the workload's walked and directly
// translated accesses (host/instrument/page-runs.ts, direct.ts), which step to a new page at
// almost every access. One line holds all they need, so they use no TLB entry and no frame number:
//   +0  pte    u32  a copy of the page table entry (the MMU writes both)
//   +4  delta  u32  the frame's address minus the page's, while the page has a frame
//   +8  lastAt u64  the access clock at the page's latest walked use: the frame's last use is the
//                   later of this and its own stamp (the touch table)
export const WALK_ENTRY_BYTES: u32 = 16;
export const WALK_ENTRY_SHIFT: u32 = 4;
export const WALK_DELTA_OFFSET: u32 = 4;
export const WALK_STAMP_OFFSET: u32 = 8;
export const ADDR_TLB: u32 = 128;
export const TLB_ENTRY_BYTES: u32 = 32;
export const TLB_WBASE_OFFSET: u32 = 20;
export const NO_FRAME: u32 = 0xffffffff;
/** An empty entry's vbase: the last page of the 32-bit space, which the MMU never maps. */
export const TLB_INVALID: u32 = 0xffff0000;

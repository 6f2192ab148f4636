// The fixed part of physical memory, shared by the MMU and the instrumented workload.
// host/layout.ts holds the same numbers for the instrumenter; test/layout.test.ts checks they agree.
//
//   0        8            16          24        64            80   128
//   +--------+------------+-----------+---------+-------------+----+----------------------------+
//   | unused | accesses   | stores    | unused  | scratch     |    | TLB: one 16-byte entry per  |
//   |        | u64 (time) | u64       |         | 16 bytes    |    | access site of the workload |
//   +--------+------------+-----------+---------+-------------+----+----------------------------+
//
// A TLB entry (16 bytes) caches one page for one load or store instruction of the workload:
//
//   +0 vbase   u32  virtual address of the cached page (TLB_INVALID when empty)
//   +4 delta   u32  physical frame address minus vbase, so paddr = vaddr + delta
//   +8 lastAt  u64  the access clock at this entry's latest hit: keeps LRU exact
//
// The access counter is also the clock: every load and store adds one, so a page's last-use time
// is the number of accesses made before it. Everything past the TLB belongs to the MMU (mmu.ts).

export const ADDR_ACCESSES: u32 = 8;
export const ADDR_STORES: u32 = 16;
export const ADDR_SCRATCH: u32 = 64;
export const SCRATCH_BYTES: u32 = 16;
export const ADDR_TLB: u32 = 128;
export const TLB_ENTRY_BYTES: u32 = 16;
/** An empty entry's vbase: the last page of the 32-bit space, which the MMU never maps. */
export const TLB_INVALID: u32 = 0xffff0000;

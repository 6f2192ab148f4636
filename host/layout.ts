// The fixed part of physical memory, as drawn in assembly/layout.ts (the MMU's copy of these
// numbers). test/layout.test.ts checks that both agree.
export const ADDR_ACCESSES = 8;
export const ADDR_STORES = 16;
export const ADDR_PT_BASE = 24;
export const ADDR_TOUCH_BASE = 28;
export const ADDR_FRAMES_BASE = 32;
export const ADDR_VIRTUAL_BYTES = 36;
export const ADDR_ZERO_FILLS = 40;
export const ADDR_REMOTE_ACCESSES = 48;
export const ADDR_COUNTER_INTERRUPTS = 56;
export const ADDR_SCRATCH = 64;
/** u64: the run's TLB misses, added by each function when it returns (see assembly/layout.ts). */
export const ADDR_TLB_MISSES = 88;
/** u32: the walk table's address; 16 bytes per virtual page: a copy of its PTE, the frame's address
 *  less the page's, the clock at its latest walked use (assembly/layout.ts). */
export const ADDR_WALK_BASE = 96;
export const WALK_ENTRY_SHIFT = 4;
export const WALK_DELTA_OFFSET = 4;
export const WALK_STAMP_OFFSET = 8;
export const ADDR_TLB = 128;
export const TLB_ENTRY_BYTES = 32;
/** Offset in a TLB entry of the u32 vbase that stores test (TLB_INVALID unless the page is dirty). */
export const TLB_WBASE_OFFSET = 20;
export const NO_FRAME = 0xffffffff;
/** An empty entry's vbase (and a clean page's wbase): the last page of the 32-bit space, never mapped. */
export const TLB_INVALID = 0xffff0000;
/** Page table entry bits (assembly/mmu.ts): present, dirty; the frame index from bit 8. */
export const PTE_PRESENT = 1;
export const PTE_DIRTY = 2;
/** Not present, but in the frame of bits 8-31: prefetched and not used yet (--prefetch). */
export const PTE_PREFETCHED = 16;
export const PTE_FRAME_SHIFT = 8;
/** On a memory server, accessed in place (remote-main, counters): bits 8-31 hold its counter. */
export const PTE_REMOTE = 4;
/** Not present, but has had a frame: its bytes are in the backing store. (0: never touched.) */
export const PTE_SEEN = 8;

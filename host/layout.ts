// The fixed part of physical memory, as drawn in assembly/layout.ts (the MMU's copy of these
// numbers). test/layout.test.ts checks that both agree.
export const ADDR_ACCESSES = 8;
export const ADDR_STORES = 16;
export const ADDR_SCRATCH = 64;
export const ADDR_TLB = 128;
export const TLB_ENTRY_BYTES = 16;
/** Wasm pages are 64 KiB; virtual memory is counted in them, as memory.size does. */
export const WASM_PAGE_BYTES = 65536;

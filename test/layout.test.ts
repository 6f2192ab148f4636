// The MMU (AssemblyScript) and the instrumenter (TypeScript) agree on the fixed physical layout.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as layout from "../host/layout.ts";

test("host/layout.ts and assembly/layout.ts give the same addresses", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mmu = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("../build/mmu.wasm", import.meta.url))), {
    env: { memory }, host: { pageFault: () => 0, outOfBounds() {}, placeRemote: () => 0, remoteAccess() {}, softwareCounter: () => 0, prefetchNext: () => -1, prefetchFill() {}, prefetchHit() {} },
  }).exports as Record<string, () => number>;
  assert.equal(mmu.layoutAccesses(), layout.ADDR_ACCESSES);
  assert.equal(mmu.layoutStores(), layout.ADDR_STORES);
  assert.equal(mmu.layoutScratch(), layout.ADDR_SCRATCH);
  assert.equal(mmu.layoutTlb(), layout.ADDR_TLB);
  assert.equal(mmu.layoutTlbEntryBytes(), layout.TLB_ENTRY_BYTES);
  assert.equal(mmu.layoutPtBase(), layout.ADDR_PT_BASE);
  assert.equal(mmu.layoutWalkBase(), layout.ADDR_WALK_BASE);
  assert.equal(mmu.layoutWalkEntryBytes(), 1 << layout.WALK_ENTRY_SHIFT);
  assert.equal(mmu.layoutTouchBase(), layout.ADDR_TOUCH_BASE);
  assert.equal(mmu.layoutFramesBase(), layout.ADDR_FRAMES_BASE);
  assert.equal(mmu.layoutVirtualBytes(), layout.ADDR_VIRTUAL_BYTES);
  assert.equal(mmu.layoutTlbMisses(), layout.ADDR_TLB_MISSES);
  assert.equal(mmu.layoutTlbWbaseOffset(), layout.TLB_WBASE_OFFSET);
  assert.equal(mmu.layoutTlbInvalid() >>> 0, layout.TLB_INVALID);
  assert.equal(mmu.layoutRemoteAccesses(), layout.ADDR_REMOTE_ACCESSES);
  assert.equal(mmu.layoutZeroFills(), layout.ADDR_ZERO_FILLS);
  assert.equal(mmu.layoutCounterInterrupts(), layout.ADDR_COUNTER_INTERRUPTS);
  assert.equal(mmu.layoutNoFrame() >>> 0, layout.NO_FRAME);
  assert.equal(mmu.layoutPtePresent(), layout.PTE_PRESENT);
  assert.equal(mmu.layoutPteDirty(), layout.PTE_DIRTY);
  assert.equal(mmu.layoutPtePrefetched(), layout.PTE_PREFETCHED);
  assert.equal(mmu.layoutPteRemote(), layout.PTE_REMOTE);
  assert.equal(mmu.layoutPteSeen(), layout.PTE_SEEN);
});

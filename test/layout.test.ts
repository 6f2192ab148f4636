// The MMU (AssemblyScript) and the instrumenter (TypeScript) agree on the fixed physical layout.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import * as layout from "../host/layout.ts";

test("host/layout.ts and assembly/layout.ts give the same addresses", () => {
  const memory = new WebAssembly.Memory({ initial: 1 });
  const mmu = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(new URL("../build/mmu.wasm", import.meta.url))), {
    env: { memory }, host: { pageFault() {}, outOfBounds() {} },
  }).exports as Record<string, () => number>;
  assert.equal(mmu.layoutAccesses(), layout.ADDR_ACCESSES);
  assert.equal(mmu.layoutStores(), layout.ADDR_STORES);
  assert.equal(mmu.layoutScratch(), layout.ADDR_SCRATCH);
  assert.equal(mmu.layoutTlb(), layout.ADDR_TLB);
  assert.equal(mmu.layoutTlbEntryBytes(), layout.TLB_ENTRY_BYTES);
});

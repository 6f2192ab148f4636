// Invariant 1: a workload's result is identical to its uninstrumented run under every policy.
import assert from "node:assert/strict";
import { test } from "node:test";
import { run } from "../host/run.ts";
import { WORKLOADS } from "../workloads/index.ts";

for (const size of ["tiny", "small"] as const) {
  for (const w of Object.values(WORKLOADS)) {
    const workingSet = w.workingSetBytes(w.sizes[size]);
    test(`${w.name} ${size} gives the native checksum under local and disk, with 64 local pages and with 1/8 of its working set`, async () => {
      const local = await run({ workload: w.name, size, policy: "local" });
      assert.ok(local.verified, "local");
      assert.equal(local.pageOuts, 0);
      for (const limit of [{ localPages: 64 }, { localMem: String(Math.floor(workingSet / 8)) }]) {
        const r = await run({ workload: w.name, size, policy: "disk", ...limit });
        const label = `disk with ${r.config.localPages} local pages`;
        assert.ok(r.verified, label);
        assert.equal(r.accesses, local.accesses, `${label}: the same accesses as under local`);
        assert.ok(r.framesUsed <= r.config.localPages, `${label}: ${r.framesUsed} frames used`);
        if (r.config.localMemBytes < workingSet) {
          assert.ok(r.pageFaults > 0, `${label}: no page faults`);
          assert.ok(r.diskReads > 0, `${label}: no disk reads`);
          assert.ok(r.avgAccessCycles > local.avgAccessCycles, `${label}: paging cost nothing`);
        }
      }
    });
  }
}

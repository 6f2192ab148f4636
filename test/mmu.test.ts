// The emulated MMU: a real bounded local memory, exact replacement, no hidden copies.
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveConfig } from "../host/config.ts";
import { runInstrumented } from "../host/engine.ts";
import { prepare } from "../host/modules.ts";
import { run } from "../host/run.ts";
import { watFile } from "./wat.ts";


test("real memory stays within local memory plus a fixed overhead while the workload touches 8x more", async () => {
  const localPages = 64;
  const r = await run({ workload: "trans", size: "small", policy: "disk", localPages });
  const { pageSizeBytes, localMemBytes } = r.config;
  assert.ok(r.verified);
  assert.ok(r.framesUsed <= localPages, `${r.framesUsed} frames in use, limit ${localPages}`);
  assert.ok(r.virtualMemoryBytes >= 8 * localMemBytes, `workload touched only ${r.virtualMemoryBytes} bytes`);
  assert.ok(r.pageFaults >= 8 * localPages);
  // The overhead: header + TLB (32 B per site) + one bounce page, the page table and the walk table
  // (4 B and 16 B per virtual page) and 36 B per frame, both with up to 2x growth slack, rounded up
  // to a wasm page.
  const virtualPages = r.virtualMemoryBytes / pageSizeBytes;
  const overheadBound = 65536 + 128 + r.engine.tlbEntries * 32 + 2 * pageSizeBytes + 2 * (20 * virtualPages) + 2 * (36 * localPages);
  assert.ok(r.physicalMemoryBytes <= localMemBytes + overheadBound,
    `physical ${r.physicalMemoryBytes} > local ${localMemBytes} + overhead ${overheadBound}`);
  assert.ok(r.physicalMemoryBytes * 8 <= r.virtualMemoryBytes, "physical memory is not much smaller than virtual");
});

test("the same configuration twice gives identical modelled figures", async () => {
  for (const workload of ["sort", "raytrace"]) {
    const options = { workload, size: "tiny" as const, policy: "disk", localPages: 32, replacement: "random" as const, seed: 5 };
    const a = await run(options);
    const b = await run(options);
    for (const field of ["accesses", "loads", "stores", "pageFaults", "pageIns", "pageOuts", "diskReads", "diskWrites", "modelledCycles", "avgAccessCycles"] as const) {
      assert.equal(a[field], b[field], `${workload}: ${field} differs between two runs`);
    }
  }
});

test("every replacement policy and page size keeps results identical", async () => {
  for (const replacement of ["lru", "clock", "random"] as const) {
    for (const pageSize of ["1KiB", "4KiB", "64KiB"]) {
      for (const workload of ["qsort", "raytrace"]) {
        const r = await run({ workload, size: "tiny", policy: "disk", localMem: "256KiB", pageSize, replacement });
        assert.ok(r.verified, `${workload} ${replacement} ${pageSize}`);
        assert.ok(r.pageFaults > r.framesUsed, `${workload} ${replacement} ${pageSize}: nothing was evicted`);
      }
    }
  }
});

test("an access that straddles two pages reads and writes both", async () => {
  // Stores an i64 across the boundary of pages 1 and 2, evicts both, reads it back.
  const file = watFile("straddle", `(module
    (memory 1)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32)
      (i64.store (i32.const 8188) (i64.const 0x1122334455667788))
      (loop $l
        (i32.store offset=16 (i32.mul (local.get $i) (i32.const 4096)) (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 16))))
      (i32.wrap_i64 (i64.xor (i64.load (i32.const 8188)) (i64.shr_u (i64.load (i32.const 8188)) (i64.const 32))))))`);
  const r = await run({ workload: file, n: 1, policy: "disk", localPages: 2 });
  assert.ok(r.verified);
  assert.equal(r.checksum, (0x55667788 ^ 0x11223344) >>> 0);
});

test("an out-of-bounds access traps with its virtual address", async () => {
  const file = watFile("oob", `(module
    (memory 1)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (i32.load (i32.const 65534))))`);
  await assert.rejects(run({ workload: file, n: 1, policy: "disk", localPages: 4 }), /out of bounds.*0xfffe/);
});

test("faults on never-touched pages served in the MMU count and cost exactly as when the host serves them", async () => {
  for (const options of [
    { workload: "sort", size: "tiny" as const, policy: "disk", localPages: 24 },
    { workload: "fft", size: "tiny" as const, policy: "counters", localPages: 24 },
    { workload: "gauss", size: "tiny" as const, policy: "local" },
  ]) {
    const config = resolveConfig(options);
    const { instrumented, trapped } = await prepare(config);
    // Timing each fault makes the MMU hand every fault to the host.
    const [inMmu, inHost] = [await runInstrumented(config, instrumented, trapped), await runInstrumented(config, instrumented, trapped, { measureFaults: true })];
    assert.equal(inHost.faultMicros.length + inHost.firstTouchMicros.length, inHost.stats.pageFaults, "the host saw every fault");
    assert.equal(inHost.faultMicros.length, inHost.stats.pageIns, "page-ins are timed apart from first touches");
    assert.ok(inHost.stats.pageFaults > inHost.stats.pageIns, `${options.workload}: no fault on a never-touched page`);
    const figures = (r: typeof inMmu) => ({ checksum: r.checksum, accesses: r.accesses, remoteAccesses: r.remoteAccesses, stats: r.stats });
    assert.deepEqual(figures(inMmu), figures(inHost), JSON.stringify(options));
  }
});

test("every store is counted, across calls, early returns and tail calls", async () => {
  // Per iteration: 1 store here, $leaf 1 (i = 0: it returns early) or 2, $tail 1 and then $leaf 2.
  const file = watFile("stores", `(module
    (memory 1)
    (func $leaf (param $p i32) (result i32)
      (i32.store (local.get $p) (i32.const 1))
      (if (i32.eqz (local.get $p)) (then (return (i32.const 0))))
      (i32.store offset=4 (local.get $p) (i32.const 2))
      (i32.const 1))
    (func $tail (param $p i32) (result i32)
      (i32.store offset=8 (local.get $p) (i32.const 3))
      (return_call $leaf (local.get $p)))
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32) (local $s i32)
      (loop $L
        (i32.store (i32.const 100) (local.get $i))
        (local.set $s (i32.add (local.get $s) (call $leaf (i32.mul (local.get $i) (i32.const 16)))))
        (local.set $s (i32.add (local.get $s) (call $tail (i32.const 2000))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $L (i32.lt_u (local.get $i) (i32.const 10))))
      (local.get $s)))`);
  for (const policy of ["local", "disk"]) {
    const r = await run({ workload: file, n: 1, policy, localPages: 2 });
    assert.ok(r.verified);
    assert.equal(r.stores, 10 * (1 + 3) + 1 + 9 * 2, policy);
    assert.equal(r.loads, 0, policy);
  }
});

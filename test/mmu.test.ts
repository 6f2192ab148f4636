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
  // The overhead: header + TLB (16 B and 4 B per site) + one bounce page, the page table (4 B per
  // virtual page) and 36 B per frame, both with up to 2x growth slack, rounded up to a wasm page.
  const virtualPages = r.virtualMemoryBytes / pageSizeBytes;
  const overheadBound = 65536 + 128 + r.engine.tlbEntries * 20 + 2 * pageSizeBytes + 2 * (4 * virtualPages) + 2 * (36 * localPages);
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

/** A module that reads (even i) or writes (odd i) page table[i] for i < n, the table being a data
 *  segment at address 256 of page 0. Its page reference string is known exactly. */
function referenceStringModule(pages: number[]): string {
  const bytes = new Uint8Array(pages.length * 4);
  pages.forEach((p, i) => new DataView(bytes.buffer).setUint32(i * 4, p, true));
  const data = [...bytes].map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
  // Named by its pages: prepare() keeps one module per file name for the process.
  return watFile(`refstring-${pages.length}-${pages.join("").length}-${pages.reduce((h, p) => (h * 31 + p) >>> 0, 7)}`, `(module
    (memory 1)
    (data (i32.const 256) "${data}")
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32) (local $sum i32) (local $addr i32)
      (loop $l
        (local.set $addr (i32.mul (i32.load offset=256 (i32.shl (local.get $i) (i32.const 2))) (i32.const 4096)))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (i32.store offset=8 (local.get $addr) (local.get $i)))
          (else (local.set $sum (i32.add (local.get $sum) (i32.load offset=8 (local.get $addr))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $sum)))`);
}

/** Exact LRU over a page reference string: page faults and write-backs of dirty pages. */
function simulateLru(refs: { page: number; write: boolean }[], frames: number): { faults: number; pageOuts: number } {
  const lastUse = new Map<number, number>();
  const dirty = new Set<number>();
  let faults = 0;
  let pageOuts = 0;
  refs.forEach(({ page, write }, time) => {
    if (!lastUse.has(page)) {
      faults++;
      if (lastUse.size === frames) {
        const victim = [...lastUse].reduce((a, b) => (b[1] < a[1] ? b : a))[0];
        lastUse.delete(victim);
        if (dirty.delete(victim)) pageOuts++;
      }
    }
    lastUse.set(page, time);
    if (write) dirty.add(page);
  });
  return { faults, pageOuts };
}

test("lru evicts exactly the least recently used page, as a simulation of the reference string does", async () => {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0);
  for (const frames of [2, 3, 5, 8]) {
    // Pages 1..15 with some locality: a hot set of four, and excursions.
    // The LCG's high bits: its low bits cycle with a short period (x % 4 repeats 4, 2, 4, 2).
    const draw = () => next() >>> 16;
    const pages = Array.from({ length: 900 }, () => (draw() % 4 < 3 ? 1 + (draw() % 4) : 1 + (draw() % 15)));
    const file = referenceStringModule(pages);
    // The host writes the data segment first (page 0), then each iteration reads the table
    // (page 0) and touches its page.
    const refs: { page: number; write: boolean }[] = [{ page: 0, write: true }];
    pages.forEach((page, i) => refs.push({ page: 0, write: false }, { page, write: i % 2 === 1 }));
    const want = simulateLru(refs, frames);
    assert.ok(want.faults > 2 * (new Set(pages).size + 1), `${frames} frames: the string hardly evicts (${want.faults} faults)`);
    const r = await run({ workload: file, n: pages.length, policy: "disk", localPages: frames, replacement: "lru" });
    assert.ok(r.verified);
    assert.equal(r.accesses, 2 * pages.length);
    assert.equal(r.pageFaults, want.faults, `${frames} frames: page faults`);
    assert.equal(r.pageOuts, want.pageOuts, `${frames} frames: write-backs`);
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

// Direct translation (host/instrument/direct.ts): the accesses of a column walk read the page table
// at every access instead of refilling their TLB entries. What it must not change: the result,
// and every count and modelled figure but the TLB's own misses; LRU and CLOCK must see the same
// last uses, so the same pages are evicted.
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import binaryen from "../host/instrument/binaryen.ts";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, runNative } from "../host/engine.ts";
import { instrument } from "../host/instrument/index.ts";
import { tempDir } from "./tmp.ts";

// A matrix of 48 rows of n i32 (a row of 4n bytes: with n = 1500, a page and a half), walked by
// columns: p steps by the row's length, a run-time amount. Each element read is also written
// back changed (a store through the same walk), and a row-wise pass reads it all at the end.
const WAT = `(module
  (memory 8)
  (func (export "run") (param $n i32) (param $seed i32) (result i32)
    (local $row i32) (local $j i32) (local $i i32) (local $p i32) (local $h i32) (local $end i32)
    (local.set $row (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end (i32.mul (local.get $row) (i32.const 48)))
    (loop $fill
      (i32.store (local.get $p) (i32.mul (i32.add (local.get $p) (local.get $seed)) (i32.const 0x9e3779b1)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.get $p) (local.get $end))))
    (loop $columns
      (local.set $p (i32.shl (local.get $j) (i32.const 2)))
      (local.set $i (i32.const 0))
      (loop $down
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load (local.get $p))))
        (i32.store (local.get $p) (i32.xor (i32.load (local.get $p)) (local.get $h)))
        (local.set $p (i32.add (local.get $p) (local.get $row)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $down (i32.lt_u (local.get $i) (i32.const 48))))
      (local.set $j (i32.add (local.get $j) (i32.const 7)))
      (br_if $columns (i32.lt_u (local.get $j) (local.get $n))))
    (local.set $p (i32.const 0))
    (loop $sum
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 33)) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $sum (i32.lt_u (local.get $p) (local.get $end))))
    (local.get $h)))`;

test("a column walk's accesses are translated directly, with the same result, counts and modelled figures as through their entries", async () => {
  const module = binaryen.parseText(WAT);
  const bytes = module.emitBinary();
  module.dispose();
  const direct = instrument(bytes, 4096);
  const refilled = instrument(bytes, 4096, { direct: false });
  assert.equal(direct.directAccesses, 3, "the column walk's two loads and its store");
  assert.equal(refilled.directAccesses, 0);
  const file = join(tempDir("direct"), "columns.wasm");
  writeFileSync(file, bytes);
  const modules = [direct, refilled].map((inst) => new WebAssembly.Module(inst.binary as Uint8Array<ArrayBuffer>));
  const configs: Omit<RunOptions, "workload">[] = [
    { policy: "local" },
    { policy: "disk", localPages: 20 },
    { policy: "disk", localPages: 20, replacement: "clock" },
    { policy: "disk", localPages: 60, pageSize: "1024" },
    { policy: "counters", localPages: 20, counter: "8" },
    { policy: "remote-main", localPages: 20 },
  ];
  for (const options of configs) {
    const config = resolveConfig({ workload: file, n: "1500", seed: "5", ...options });
    const inst = config.pageSizeBytes === 4096 ? [direct, refilled] : [instrument(bytes, config.pageSizeBytes), instrument(bytes, config.pageSizeBytes, { direct: false })];
    const mods = config.pageSizeBytes === 4096 ? modules : inst.map((i) => new WebAssembly.Module(i.binary as Uint8Array<ArrayBuffer>));
    const [a, b] = [await runInstrumented(config, inst[0], mods[0]), await runInstrumented(config, inst[1], mods[1])];
    const what = JSON.stringify(options);
    assert.equal(a.checksum, runNative(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), config.n, config.seed).checksum, what);
    const figures = (r: typeof a) => ({
      checksum: r.checksum, accesses: r.accesses, stores: r.stores, remoteAccesses: r.remoteAccesses,
      framesUsed: r.framesUsed, stats: r.stats,
    });
    assert.deepEqual(figures(a), figures(b), what);
    if (options.policy === "disk") assert.ok(a.stats.pageOuts > 0, `${what}: no page was evicted`);
  }
});

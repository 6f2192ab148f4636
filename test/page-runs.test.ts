// Page runs and straight regions (host/instrument/): a strided loop is checked once per page
// crossing, a run of straight statements once per TLB entry, not at every access. What they must
// not change: the result, and every count and modelled figure.
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import binaryen from "../host/instrument/binaryen.ts";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, runNative } from "../host/engine.ts";
import { instrument } from "../host/instrument/index.ts";
import { prepare } from "../host/modules.ts";
import { tempDir } from "./tmp.ts";

const CONFIGS: Omit<RunOptions, "workload">[] = [
  { size: "tiny", policy: "local" },
  { size: "tiny", policy: "disk", localPages: 5 },
  { size: "tiny", policy: "disk", localPages: 40, replacement: "clock" },
  { size: "tiny", policy: "counters", localPages: 40 },
  { size: "tiny", policy: "remote-main", localPages: 40 },
];

/** Runs `bytes` instrumented with and without page runs and regions under each of CONFIGS and
 *  checks both give the native checksum and the same counts and modelled figures. */
async function sameFigures(workload: string, bytes: Uint8Array, configs: Omit<RunOptions, "workload">[]) {
  const withRuns = instrument(bytes, 4096);
  const without = instrument(bytes, 4096, { pageRuns: false });
  assert.ok(withRuns.pageRuns + withRuns.regions > 0, `${workload} has no page run and no region`);
  assert.equal(without.pageRuns + without.regions, 0);
  const modules = [withRuns, without].map((inst) => new WebAssembly.Module(inst.binary as Uint8Array<ArrayBuffer>));
  for (const options of configs) {
    const config = resolveConfig({ workload, ...options });
    const native = runNative((await prepare(config)).native, config.n, config.seed).checksum;
    const [a, b] = [
      await runInstrumented(config, withRuns, modules[0]),
      await runInstrumented(config, without, modules[1]),
    ];
    const what = `${workload} ${JSON.stringify(options)}`;
    assert.equal(a.checksum, native, what);
    const figures = (r: typeof a) => ({
      checksum: r.checksum, accesses: r.accesses, stores: r.stores, tlbMisses: r.tlbMisses,
      remoteAccesses: r.remoteAccesses, framesUsed: r.framesUsed, stats: r.stats,
    });
    assert.deepEqual(figures(a), figures(b), what);
  }
}

const WITH_PAGE_RUNS = new Set(["gauss", "mvec", "fft", "sort", "trans"]);
for (const workload of ["gauss", "mvec", "fft", "sort", "trans", "qsort", "raytrace", "eventsim"]) {
  test(`${workload}: page runs and regions give the same result, counts and modelled figures as checking every access`, async () => {
    const bytes = new Uint8Array(readFileSync(new URL(`../build/workloads/${workload}.wasm`, import.meta.url)));
    if (WITH_PAGE_RUNS.has(workload)) assert.ok(instrument(bytes, 4096).pageRuns > 0, `${workload} has no page run`);
    await sameFigures(workload, bytes, CONFIGS);
  });
}

test("a region's accesses run unchecked, refilled or checked, with the same figures as checking each", async () => {
  // Records of 12 bytes copied with strides that cross pages, some records straddling two; the
  // last two stores share a TLB entry but not a pointer (one before, one after the local.tee).
  const wat = `(module
    (memory 4)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $s i32) (local $d i32) (local $i i32) (local $h i32)
      (loop $fill
        (i32.store (local.get $s) (i32.mul (local.get $s) (i32.const 0x9e3779b1)))
        (local.set $s (i32.add (local.get $s) (i32.const 4)))
        (br_if $fill (i32.lt_u (local.get $s) (i32.const 65536))))
      (local.set $s (i32.const 0))
      (local.set $d (i32.const 131072))
      (loop $copy
        (i32.store (local.get $d) (i32.load (local.get $s)))
        (i32.store offset=4 (local.get $d) (i32.load offset=4 (local.get $s)))
        (i32.store offset=8 (local.get $d) (i32.add (i32.load offset=8 (local.get $s)) (local.get $i)))
        (i32.store offset=4 (local.get $d) (local.tee $d (i32.add (local.get $d) (i32.const 1020))))
        (i32.store offset=8 (local.get $d) (i32.const 7))
        (local.set $s (i32.add (local.get $s) (i32.const 1012)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $copy (i32.lt_u (local.get $i) (i32.const 60))))
      (local.set $d (i32.const 131072))
      (loop $sum
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load (local.get $d))))
        (local.set $d (i32.add (local.get $d) (i32.const 4)))
        (br_if $sum (i32.lt_u (local.get $d) (i32.const 196608))))
      (local.get $h)))`;
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  assert.equal(instrument(bytes, 4096).regions, 1);
  const file = join(tempDir("regions"), "records.wasm");
  writeFileSync(file, bytes);
  await sameFigures(file, bytes, [
    { policy: "local" },
    { policy: "disk", localPages: 3 },
    { policy: "disk", localPages: 4, replacement: "clock" },
  ]);
});

test("only a loop with no call and no access in its condition, and constant strides, is a page run", () => {
  const loopWith = (condition: string, step = "(i32.const 4)") => `(module
    (memory 2)
    (func $more (param $p i32) (result i32) (i32.lt_u (local.get $p) (i32.const 8000)))
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $p i32)
      (loop $L
        (if ${condition}
          (then
            (i32.store (local.get $p) (local.get $p))
            (local.set $p (i32.add (local.get $p) ${step}))
            (br $L))))
      (i32.load (i32.const 4000))))`;
  const pageRuns = (wat: string) => {
    const module = binaryen.parseText(wat);
    try {
      return instrument(module.emitBinary(), 4096).pageRuns;
    } finally {
      module.dispose();
    }
  };
  assert.equal(pageRuns(loopWith("(i32.lt_u (local.get $p) (i32.const 8000))")), 1);
  assert.equal(pageRuns(loopWith("(call $more (local.get $p))")), 0, "a call in the condition");
  assert.equal(pageRuns(loopWith("(i32.load (local.get $p))")), 0, "an access in the condition");
  assert.equal(pageRuns(loopWith("(i32.lt_u (local.get $p) (i32.const 8000))", "(i32.load (i32.const 0))")), 0, "a step loaded from memory");
});

test("clang's do-while loops (the condition last, its step a local.tee in it) are page runs, with the same figures as checking every access", async () => {
  // Shapes clang -O2 writes: a loop unrolled by two, its index stepped in the condition
  // (`i += 2 != n`); a byte loop walking down; a loop whose pointer steps in a statement. Pages
  // are crossed mid-iteration and by accesses that straddle none; 3 local pages make them fault.
  const wat = `(module
    (memory 8)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32) (local $p i32) (local $q i32) (local $h i32) (local $x f64)
      (local.set $p (i32.const 8))
      (loop $fill
        (f64.store (local.get $p) (f64.convert_i32_u (i32.mul (local.get $p) (local.get $seed))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br_if $fill (i32.lt_u (local.get $p) (i32.const 131072))))
      (local.set $p (i32.const 8))
      (local.set $q (i32.const 196608))
      (loop $unrolled
        (f64.store (local.get $q) (f64.add (local.get $x) (f64.load (local.get $p))))
        (f64.store offset=8 (local.get $q) (f64.load offset=8 (local.get $p)))
        (local.set $x (f64.load offset=8 (local.get $p)))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br_if $unrolled (i32.ne (local.get $n) (local.tee $i (i32.add (local.get $i) (i32.const 2))))))
      (local.set $p (i32.const 262143))
      (loop $down
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load8_u (local.get $p))))
        (br_if $down (i32.gt_u (local.tee $p (i32.add (local.get $p) (i32.const -1))) (i32.const 196608))))
      (i32.add (local.get $h) (i32.trunc_f64_s (local.get $x)))))`;
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  assert.equal(instrument(bytes, 4096).pageRuns, 3);
  const file = join(tempDir("do-while"), "loops.wasm");
  writeFileSync(file, bytes);
  await sameFigures(file, bytes, [
    { policy: "local", n: 6000, seed: 3 },
    { policy: "disk", localPages: 3, n: 6000, seed: 3 },
    { policy: "counters", localPages: 3, n: 4000, seed: 5 },
  ]);
});

test("a page run's access that stays put (stride 0) runs unchecked only while its entry maps its page: not on a remote page under counters", async () => {
  // A first loop fills 16 pages (under counters with 4 local pages, most go to servers); then
  // each iteration reads one fixed word, on a page first touched now, when local memory is full
  // (so it starts on a server, and its first 50 reads are remote accesses), and writes the next
  // word of the array again.
  const wat = `(module
    (memory 4)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $p i32) (local $s i32)
      (loop $fill
        (i32.store (local.get $p) (local.get $seed))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $fill (i32.lt_u (local.get $p) (i32.const 65536))))
      (local.set $p (i32.const 8))
      (loop $L
        (local.set $s (i32.add (local.get $s) (i32.load (i32.const 131072))))
        (i32.store (local.get $p) (local.get $s))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $L (i32.lt_u (local.get $p) (i32.const 65536))))
      (local.get $s)))`;
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  assert.equal(instrument(bytes, 4096).pageRuns, 2);
  const file = join(tempDir("stride0"), "fixed.wasm");
  writeFileSync(file, bytes);
  await sameFigures(file, bytes, [
    { policy: "local", seed: 3 },
    { policy: "counters", localPages: 4, counter: 50, seed: 3 },
    { policy: "remote-main", localPages: 4, seed: 3 },
  ]);
});

test("a column walk in a do-while loop is walked through the page table in unchecked iterations, with the same figures as checking every access", async () => {
  // A column of a matrix whose rows are a run-time stride apart ($s, from the seed: 4092 to 4098
  // bytes, so some 4-byte accesses straddle two pages), loaded and stored (offset 4) in a loop that
  // also streams through a row ($q): the stream runs unchecked, the column is walked. The matrix is
  // read before (its pages present and clean: a walked store must not write one unchecked), and
  // memory past it is swept after (its pages evicted: a write lost shows in the checksum). Few
  // local pages make walked pages fault: unchecked iterations give way to checked ones.
  const wat = `(module
    (memory 8)
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $p i32) (local $q i32) (local $s i32) (local $i i32) (local $j i32) (local $h i32)
      (loop $read
        (local.set $h (i32.add (local.get $h) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $read (i32.lt_u (local.get $p) (i32.const 180000))))
      (local.set $s (i32.add (i32.const 4092) (i32.shl (i32.and (local.get $seed) (i32.const 3)) (i32.const 1))))
      (loop $cols
        (local.set $p (i32.shl (local.get $j) (i32.const 2)))
        (local.set $q (i32.add (i32.const 196608) (i32.shl (local.get $j) (i32.const 6))))
        (local.set $i (i32.const 0))
        (loop $rows
          (i32.store offset=4 (local.get $p) (i32.add (i32.load (local.get $p)) (i32.add (i32.load (local.get $q)) (local.get $seed))))
          (i32.store (local.get $q) (i32.add (local.get $i) (local.get $j)))
          (local.set $p (i32.add (local.get $p) (local.get $s)))
          (local.set $q (i32.add (local.get $q) (i32.const 4)))
          (br_if $rows (i32.ne (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const 40))))
        (br_if $cols (i32.ne (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $n))))
      (local.set $p (i32.const 262144))
      (loop $sweep
        (i32.store (local.get $p) (local.get $h))
        (local.set $p (i32.add (local.get $p) (i32.const 512)))
        (br_if $sweep (i32.lt_u (local.get $p) (i32.const 524288))))
      (local.set $p (i32.const 0))
      (loop $sum
        (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 31)) (i32.load (local.get $p))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br_if $sum (i32.lt_u (local.get $p) (i32.const 262144))))
      (local.get $h)))`;
  const module = binaryen.parseText(wat);
  const bytes = module.emitBinary();
  module.dispose();
  const inst = instrument(bytes, 4096);
  assert.equal(inst.pageRuns, 4, "read, rows, sweep and sum");
  assert.equal(inst.directAccesses, 2, "the column's load and store");
  const file = join(tempDir("walked"), "columns.wasm");
  writeFileSync(file, bytes);
  for (const seed of [1, 2]) {
    await sameFigures(file, bytes, [
      { policy: "local", n: 600, seed },
      { policy: "disk", localPages: 3, n: 300, seed },
      { policy: "disk", localPages: 60, n: 300, seed },
      { policy: "disk", localPages: 5, replacement: "clock", n: 300, seed },
      { policy: "counters", localPages: 4, n: 300, seed },
      { policy: "remote-main", localPages: 4, n: 200, seed },
    ]);
  }
});

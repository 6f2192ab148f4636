// Differential fuzzing of the instrumenter (scripts/fuzz.ts): a bounded sample of random modules
// from binaryen's translate-to-fuzz, each run natively and instrumented (small local memory,
// rotating policy, page size and replacement) with the same results, traps, logs, globals and final
// memory; and the modules the fuzzer found differing, reduced, kept as regression tests.
import assert from "node:assert/strict";
import { test } from "node:test";
import { instrument } from "../host/instrument/index.ts";
import { campaign } from "../scripts/fuzz/campaign.ts";
import { differential } from "../scripts/fuzz/differential.ts";
import { watBytes } from "./wat.ts";

const CONFIGS = [1024, 4096, 65536].flatMap((pageSize) => [
  { policy: "disk", pageSize, localPages: 2, replacement: "lru" as const },
  { policy: "counters", pageSize, localPages: 3, counter: 2, replacement: "clock" as const },
]);

/** Asserts that `bytes` runs the same natively and instrumented under every one of CONFIGS, and
 *  that the native run trapped out of bounds (what the instrumented one missed before the fix). */
async function sameUnderEveryConfig(bytes: Uint8Array) {
  for (const options of CONFIGS) {
    const outcome = await differential(bytes, options, 1);
    assert.equal(outcome.kind, "same", `${JSON.stringify(options)}: ${JSON.stringify(outcome)}`);
  }
}

// Found by the fuzzer (seed 1, module 28; written small by hand): i32.load8_u offset=22 of a pointer
// near 2^32. The effective address is ptr + offset as a 33-bit number, past 2^32 out of bounds;
// the instrumented access added them as an i32, wrapped to a small address and did not trap.
test("an access whose pointer plus offset passes 2^32 traps out of bounds, instrumented too", async () => {
  await sameUnderEveryConfig(watBytes(`(module
    (memory 1)
    (func (export "a_touch") (i32.store (i32.const 0) (i32.const 0x01020304)))
    (func (export "b_load") (result i32) (i32.load8_u offset=22 (i32.const -16)))
    (func (export "c_store") (i64.store offset=20 (i32.const -16) (i64.const -1)))
    (func (export "d_max") (result i32) (i32.load offset=0xffffffff (i32.const 1))))`));
});

// Found by the fuzzer (seed 1, module 6443) in the first fix: the check ran before the store's
// value, which runs first natively (and here traps as unreachable, not out of bounds).
test("a store past 2^32 evaluates its value first, as the native store does", async () => {
  await sameUnderEveryConfig(watBytes(`(module
    (memory 1)
    (func $boom (result i32) (unreachable))
    (func (export "a_order") (i32.store offset=20 (i32.const -16) (call $boom))))`));
});

// The same wrap in a straight region (two stores from one pointer share one TLB entry, checked
// once for both) and in a page run going down (the pointer passes below 0 in an unchecked
// iteration while pointer plus offset stays on the page).
test("a region and a page run whose accesses pass 2^32 trap where the native run traps", async () => {
  const bytes = watBytes(`(module
    (memory 1)
    (func (export "a_touch") (i32.store (i32.const 0) (i32.const 0x01020304)))
    (func (export "b_region") (local $p i32)
      (local.set $p (i32.sub (i32.const 0) (i32.const 16)))
      (i32.store offset=20 (local.get $p) (i32.const 5))
      (i32.store offset=24 (local.get $p) (i32.const 6))
      (i32.store offset=28 (local.get $p) (i32.const 7)))
    (func (export "c_down") (result i32) (local $p i32) (local $s i32)
      (local.set $p (i32.const 40))
      (loop $l
        (if (i32.ne (local.get $p) (i32.const -64))
          (then
            (i32.store offset=16 (local.get $p) (i32.add (local.get $s) (i32.load offset=16 (local.get $p))))
            (local.set $s (i32.add (local.get $s) (i32.const 1)))
            (local.set $p (i32.add (local.get $p) (i32.const -8)))
            (br $l))))
      (local.get $s)))`);
  const inst = instrument(bytes, 4096);
  assert.deepEqual([inst.regions, inst.pageRuns], [1, 1], "one region and one page run");
  await sameUnderEveryConfig(bytes);
});

// Found by the fuzzer (seed 1, module 46): data.drop of an active segment. The rewritten module
// has no data segments (the host writes them through the MMU), so the data.drop named a segment
// that was gone and the instrumented module did not validate (an internal error).
test("data.drop of an active segment runs as a no-op, as it does natively", async () => {
  await sameUnderEveryConfig(watBytes(`(module
    (memory 1)
    (data $d (i32.const 100) "remora")
    (func (export "a_drop") (result i32) (data.drop $d) (i32.load8_u (i32.const 101))))`));
});

// A few hundred modules of a fixed seed: no difference, and enough run and accesses made that the
// sample cannot pass by testing nothing.
test("a sample of 200 translate-to-fuzz modules runs the same natively and instrumented", { timeout: 300_000 }, async () => {
  const { counts, differences } = await campaign({ seed: 2026, count: 200 });
  assert.deepEqual(differences.map((d) => `module ${d.index}: ${d.what}`), []);
  // Seed 2026 ran 175 of 200 modules, 5709 calls, 10 435 accesses (the rest refused or skipped).
  assert.ok(counts.run >= 150, `${counts.run} of 200 modules run`);
  assert.ok(counts.calls >= 3000, `${counts.calls} calls`);
  assert.ok(counts.accesses >= 5000, `${counts.accesses} accesses`);
});

// Found by the fuzzer (seed 1, module 8): an access whose operand never returns (here
// `unreachable; i32.load offset=4`) has binaryen's type unreachable and no value type; the
// instrumenter threw "unexpected access type 1" (an internal error) on this valid module.
test("an access in unreachable code is left as it is, not an internal error", async () => {
  const body = [0x00, 0x00, 0x28, 0x02, 0x04, 0x1a, 0x0b]; // no locals; unreachable; i32.load offset=4; drop; end
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    1, 4, 1, 0x60, 0, 0, // type 0: [] -> []
    3, 2, 1, 0, // function 0 of type 0
    5, 3, 1, 0, 1, // memory: 1 page
    7, 5, 1, 1, 0x66, 0, 0, // export "f": function 0
    10, body.length + 2, 1, body.length, ...body]);
  assert.ok(WebAssembly.validate(bytes));
  assert.equal(instrument(bytes, 4096).loadSites, 0, "the load that never runs is not a site");
  await sameUnderEveryConfig(bytes);
});

// Found by the fuzzer (seed 1, module 7172; written small by hand): a call whose first argument
// loads and whose second is a ref.func. The instrumenter keeps the arguments in locals to keep
// their order; with binaryen's GC feature on, the local holding the ref.func had the typed
// reference type `(ref $t)`, written with the byte 0x64 that Node 20's V8 reads as stringref:
// the instrumented module did not compile.
test("a ref.func kept in a local compiles in this V8, and runs the same", async () => {
  const bytes = watBytes(`(module
    (memory 1)
    (type $t (func (param i32 funcref) (result i32)))
    (func $f (type $t) (local.get 0))
    (elem declare func $f)
    (func (export "a_touch") (i32.store (i32.const 0) (i32.const 77)))
    (func (export "b_call") (result i32) (call $f (i32.load (i32.const 0)) (ref.func $f))))`);
  assert.ok(new WebAssembly.Module(instrument(bytes, 4096).binary as Uint8Array<ArrayBuffer>));
  for (const options of CONFIGS) {
    const outcome = await differential(bytes, options, 1);
    assert.equal(outcome.kind, "same", `${JSON.stringify(options)}: ${JSON.stringify(outcome)}`);
  }
});

// An access with an offset is tested on its pointer (host/instrument/fast-path.ts): the pointer's
// room on its page less the offset. Walked a byte at a time over every page end, the loads at
// offset 8 straddle two pages for three pointers at each: they must miss and read both pages.
test("a load at an offset, its pointer walked a byte at a time across page ends, reads what the native load reads", async () => {
  await sameUnderEveryConfig(watBytes(`(module
    (memory 2)
    (func $same (param i32) (result i32) (local.get 0))
    (func (export "a_fill") (local $i i32)
      (loop $l
        (i32.store (local.get $i) (i32.mul (local.get $i) (i32.const -1640531535)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 131072)))))
    (func (export "b_walk") (result i32) (local $p i32) (local $s i32)
      (local.set $p (i32.const 900))
      (loop $l
        (local.set $s (i32.add (i32.rotl (local.get $s) (i32.const 5)) (i32.load offset=8 (call $same (local.get $p)))))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $p) (i32.const 131000))))
      (local.get $s)))`));
});

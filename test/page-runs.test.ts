// Page runs (host/instrument.ts): a strided loop is checked once per page crossing, not at every
// access. What it must not change: the result, and every count and modelled figure.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import binaryen from "binaryen";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, runNative } from "../host/engine.ts";
import { instrument } from "../host/instrument.ts";
import { prepare } from "../host/modules.ts";

const CONFIGS: Omit<RunOptions, "workload">[] = [
  { size: "tiny", policy: "local" },
  { size: "tiny", policy: "disk", localPages: 5 },
  { size: "tiny", policy: "disk", localPages: 40, replacement: "clock" },
  { size: "tiny", policy: "counters", localPages: 40 },
  { size: "tiny", policy: "remote-main", localPages: 40 },
];

for (const workload of ["gauss", "mvec", "fft", "sort", "trans"]) {
  test(`${workload}: page runs give the same result, counts and modelled figures as checking every access`, async () => {
    const bytes = new Uint8Array(readFileSync(new URL(`../build/workloads/${workload}.wasm`, import.meta.url)));
    const withRuns = instrument(bytes, 4096);
    const without = instrument(bytes, 4096, { pageRuns: false });
    assert.ok(withRuns.pageRuns > 0, `${workload} has no page run`);
    assert.equal(without.pageRuns, 0);
    const modules = [withRuns, without].map((inst) => new WebAssembly.Module(inst.binary as Uint8Array<ArrayBuffer>));
    for (const options of CONFIGS) {
      const config = resolveConfig({ workload, ...options });
      const native = runNative(prepare(config).native, config.n, config.seed).checksum;
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
  });
}

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

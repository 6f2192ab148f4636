// A function too large for a set of locals per access (host/instrument/temporaries.ts): V8 takes
// at most 50,000 locals in a function, and instrumenting one of some 15,000 accesses passed that,
// which instrument() reported as an internal error. Its temporaries are now shared by level; the
// same sharing in every function must change no figure.
import assert from "node:assert/strict";
import { test } from "node:test";
import binaryen from "../host/instrument/binaryen.ts";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, runNative } from "../host/engine.ts";
import { instrument } from "../host/instrument/index.ts";
import { moduleBytes } from "../host/modules.ts";
import { watBytes, watFile } from "./wat.ts";

const STATEMENTS = 8000;
const SPAN_BYTES = 120_000; // 30 pages of 4 KiB

/** `run` of STATEMENTS straight-line statements, each a store of a call on two loads, all at
 *  addresses spread over 30 pages: 24,000 accesses and 8,000 calls in one function. */
function hugeWat(): string {
  const at = (k: number) => ((k * 4 * 7919) % SPAN_BYTES) & ~3;
  const lines: string[] = [];
  for (let k = 0; k < STATEMENTS; k++) {
    lines.push(`(i32.store offset=${at(3 * k)} (local.get $z) (call $mix (i32.load offset=${at(3 * k + 1)} (local.get $z)) (i32.add (i32.load offset=${at(3 * k + 2)} (local.get $z)) (local.get $n))))`);
  }
  return `(module
  (memory 2)
  (func $mix (param $a i32) (param $b i32) (result i32)
    (i32.add (i32.mul (local.get $a) (i32.const 0x9e3779b1)) (local.get $b)))
  (func (export "run") (param $n i32) (param $seed i32) (result i32)
    (local $z i32) (local $p i32) (local $h i32)
    (loop $fill
      (i32.store (local.get $p) (i32.mul (i32.add (local.get $p) (local.get $seed)) (i32.const 0x85ebca6b)))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $fill (i32.lt_u (local.get $p) (i32.const ${SPAN_BYTES}))))
    ${lines.join("\n    ")}
    (local.set $p (i32.const 0))
    (loop $sum
      (local.set $h (i32.add (i32.mul (local.get $h) (i32.const 33)) (i32.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br_if $sum (i32.lt_u (local.get $p) (i32.const ${SPAN_BYTES}))))
    (local.get $h)))`;
}

/** The number of locals (parameters included) of the exported `run` of a binary. */
function runLocals(binary: Uint8Array): number {
  const m = binaryen.readBinary(binary);
  try {
    for (let i = 0; i < m.getNumExports(); i++) {
      const exp = binaryen.getExportInfo(m.getExportByIndex(i));
      if (exp.name !== "run") continue;
      const info = binaryen.getFunctionInfo(m.getFunction(exp.value));
      return binaryen.expandType(info.params).length + info.vars.length;
    }
    throw new Error("no run export");
  } finally {
    m.dispose();
  }
}

const figures = (r: Awaited<ReturnType<typeof runInstrumented>>) => ({
  checksum: r.checksum, accesses: r.accesses, stores: r.stores, remoteAccesses: r.remoteAccesses,
  framesUsed: r.framesUsed, tlbMisses: r.tlbMisses, stats: r.stats,
});

test("a function of 24,000 accesses and 8,000 calls is instrumented within V8's 50,000 locals and runs as natively", { timeout: 120_000 }, async () => {
  const wat = hugeWat();
  const bytes = watBytes(wat);
  const inst = instrument(bytes, 4096);
  const locals = runLocals(inst.binary);
  assert.ok(locals < 1000, `${locals} locals: the temporaries are shared`);
  const module = new WebAssembly.Module(inst.binary as Uint8Array<ArrayBuffer>);
  const file = watFile("huge", wat);
  for (const options of [{ policy: "local" }, { policy: "disk", localPages: 8 }] as Omit<RunOptions, "workload">[]) {
    const config = resolveConfig({ workload: file, n: "7", seed: "3", ...options });
    const r = await runInstrumented(config, inst, module);
    const what = JSON.stringify(options);
    assert.equal(r.checksum, runNative(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>), 7, 3).checksum, what);
    // The fill and the sum each make one access per word; the statements three each.
    assert.equal(r.accesses, 2 * (SPAN_BYTES / 4) + 3 * STATEMENTS, what);
    if (options.policy === "disk") assert.ok(r.stats.pageOuts > 0, `${what}: no page was evicted`);
  }
});

test("temporaries shared in every function give the workloads the same results, counts and modelled figures", { timeout: 300_000 }, async () => {
  const configs: Omit<RunOptions, "workload">[] = [
    { size: "tiny", policy: "local" },
    { size: "tiny", policy: "disk", localPages: 20 },
    { size: "tiny", policy: "counters", localPages: 40 },
  ];
  for (const workload of ["qsort", "eventsim", "raytrace", "fft"]) {
    const bytes = moduleBytes(resolveConfig({ workload, ...configs[0] }));
    const native = new WebAssembly.Module(bytes);
    const own = instrument(bytes, 4096);
    const shared = instrument(bytes, 4096, { shareTemporaries: true });
    assert.notDeepEqual(shared.binary, own.binary, `${workload}: sharing changed no local`);
    const modules = [own, shared].map((i) => new WebAssembly.Module(i.binary as Uint8Array<ArrayBuffer>));
    for (const options of configs) {
      const config = resolveConfig({ workload, ...options });
      const [a, b] = [await runInstrumented(config, own, modules[0]), await runInstrumented(config, shared, modules[1])];
      const what = `${workload} ${JSON.stringify(options)}`;
      assert.equal(a.checksum, runNative(native, config.n, config.seed).checksum, what);
      assert.deepEqual(figures(b), figures(a), what);
    }
  }
});

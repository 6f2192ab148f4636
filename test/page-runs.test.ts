// Page runs (host/instrument.ts): a strided loop is checked once per page crossing, not at every
// access. What it must not change: the result, and every count and modelled figure.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
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

// The workloads: each built program agrees with its TypeScript reference, and the named sizes grow.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { runNative } from "../host/engine.ts";
import { SIZES } from "../workloads/spec.ts";
import { WORKLOADS } from "../workloads/index.ts";

const BUILD = new URL("../build/workloads/", import.meta.url);
const MiB = 2 ** 20;

for (const w of Object.values(WORKLOADS)) {
  test(`the built ${w.name} program returns its reference checksum at size tiny with seeds 1 and 7`, () => {
    const module = new WebAssembly.Module(readFileSync(new URL(`${w.name}.wasm`, BUILD)));
    const n = w.sizes.tiny;
    for (const seed of [1, 7]) {
      const native = runNative(module, n, seed).checksum;
      const reference = w.reference(n, seed) >>> 0;
      assert.equal(native, reference, `${w.name} n=${n} seed=${seed}`);
    }
  });
}

test("the seeds give different inputs, so seeds 1 and 7 give different checksums", () => {
  for (const w of Object.values(WORKLOADS)) {
    assert.notEqual(w.reference(w.sizes.tiny, 1) >>> 0, w.reference(w.sizes.tiny, 7) >>> 0, w.name);
  }
});

test("the large size of trans, sort and qsort has a working set of at least 256 MiB", () => {
  for (const name of ["trans", "sort", "qsort"]) {
    const w = WORKLOADS[name];
    assert.ok(w, `workload ${name} exists`);
    const bytes = w.workingSetBytes(w.sizes.large);
    assert.ok(bytes >= 256 * MiB, `${name} large working set is ${bytes} bytes, below 256 MiB`);
  }
});

test("every workload's working set grows from tiny to small to medium to large", () => {
  for (const w of Object.values(WORKLOADS)) {
    const sets = SIZES.map((s) => w.workingSetBytes(w.sizes[s]));
    for (let i = 1; i < sets.length; i++) {
      assert.ok(sets[i - 1] < sets[i], `${w.name}: ${SIZES[i - 1]} (${sets[i - 1]} B) is not below ${SIZES[i]} (${sets[i]} B)`);
    }
  }
});

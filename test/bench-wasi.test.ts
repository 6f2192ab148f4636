// `remora bench --wasi` and its C kernels (bench/c/ and the held-out set bench/c/held-out/): each
// kernel, at its small test size, prints the same checksum under remora (every page resident, and
// 16 local pages under counters) as under plain node:wasi; the bench reports what it says.
import assert from "node:assert/strict";
import { join } from "node:path";
import { before, test } from "node:test";
import { ConfigError } from "../host/config.ts";
import { runCommand } from "../host/wasi/command.ts";
import { benchWasi, buildKernels, DEFAULT_KERNELS, findKernels, kernelArgs, parseOutput, prepareKernels, runNative } from "../bench/wasi-bench.ts";
import { noToolchain } from "./c-fixtures.ts";
import { tempDir } from "./tmp.ts";

const TMP = tempDir("bench-wasi-test");

const SETS = { corpus: DEFAULT_KERNELS, "held-out": join(DEFAULT_KERNELS, "held-out") };

test("the corpus has at least 12 kernels and the held-out set at least 4, none in both, each with a test size", () => {
  const corpus = findKernels(SETS.corpus).map((k) => k.name);
  const heldOut = findKernels(SETS["held-out"]);
  assert.ok(corpus.length >= 12, `${corpus.length} kernels in bench/c/`);
  assert.ok(heldOut.length >= 4, `${heldOut.length} kernels in bench/c/held-out/`);
  for (const k of heldOut) assert.ok(!corpus.includes(k.name), `${k.name} is in both sets`);
  for (const k of [...findKernels(SETS.corpus), ...heldOut]) assert.match(k.testSize ?? "", /^\d+$/, `${k.source}: no "test size: N"`);
});

// Both sets built and instrumented first, several at a time (on a cold module cache this is most
// of the time the file takes).
before(async () => {
  if (noToolchain) return;
  const all = [...findKernels(SETS.corpus), ...findKernels(SETS["held-out"])];
  buildKernels(all);
  await prepareKernels(all);
}, { timeout: 300_000 });

for (const [set, dir] of Object.entries(SETS)) {
  test(`every kernel of the ${set} prints the same checksum under remora (local; counters with 16 local pages) as under node:wasi`, { skip: noToolchain, timeout: 120_000 }, async (t) => {
    const kernels = findKernels(dir);
    buildKernels(kernels);
    for (const k of kernels) {
      await t.test(k.name, async () => {
        const args = kernelArgs(k, "test");
        const plain = runNative(k.wasm, args);
        assert.equal(plain.exitCode, 0, plain.stderr);
        const { checksum } = parseOutput(k.name, "node:wasi", plain.stdout);
        for (const options of [{ policy: "local" }, { policy: "counters", localPages: 16 }]) {
          const r = await runCommand({ workload: k.wasm, ...options }, { args });
          assert.equal(r.exitCode, 0, `${options.policy}: ${r.trap ?? r.stderr}`);
          assert.equal(parseOutput(k.name, options.policy, r.stdout).checksum, checksum, options.policy);
          if (options.policy === "counters") assert.ok(r.remoteAccesses > 0, "counters: no remote access, so no paging was tested");
        }
      });
    }
  });
}

test("benchWasi on one tiny kernel reports medians, a positive slowdown and the TLB figures", { skip: noToolchain, timeout: 60_000 }, async () => {
  const report = await benchWasi({ only: ["triad"], repetitions: 2, size: "test" });
  assert.equal(report.rows.length, 1);
  assert.equal(report.repetitions, 2);
  assert.equal(report.size, "test");
  const [row] = report.rows;
  assert.equal(row.kernel, "triad");
  assert.deepEqual(row.args, [findKernels(SETS.corpus, ["triad"])[0].testSize]);
  assert.ok(row.verified, `checksums ${row.checksum} vs ${row.remoraChecksum}`);
  assert.equal(row.nativeRunsNs.length, 2);
  assert.equal(row.remoraRunsNs.length, 2);
  assert.ok(row.nativeKernelNs > 0 && row.remoraKernelNs > 0);
  assert.ok(row.slowdown > 0 && Number.isFinite(row.slowdown));
  assert.ok(row.accesses > 0 && row.tlbMisses >= 0 && row.tlbMisses <= row.accesses);
  assert.equal(row.tlbMissRate, row.tlbMisses / row.accesses);
  assert.ok(Math.abs(report.geomeanSlowdown - row.slowdown) < 1e-9 * row.slowdown, "the geometric mean of one slowdown is itself");
  assert.equal(report.maxSlowdown, row.slowdown);
  assert.equal(report.maxSlowdownKernel, "triad");
  assert.ok(report.machine.cores > 0);
});

test("a missing folder, a folder without kernels and an unknown kernel are refused with one line", () => {
  assert.throws(() => findKernels(join(TMP, "nowhere")), (e: Error) => e instanceof ConfigError && /no such folder/.test(e.message));
  assert.throws(() => findKernels(TMP), (e: Error) => e instanceof ConfigError && /no kernels in it/.test(e.message));
  assert.throws(() => findKernels(SETS.corpus, ["nosuchkernel"]), (e: Error) => e instanceof ConfigError && /no kernel "nosuchkernel"/.test(e.message));
  assert.throws(() => parseOutput("k", "node:wasi", "kernel_ns=1 checksum=2\nmore\n"), /not one line/);
});

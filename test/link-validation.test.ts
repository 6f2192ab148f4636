// `remora validate-link` (bench/link-validation.ts): a faulting run over a veth that tc shapes to a
// link's rate, in namespaces the test's run makes and deletes. Needs root, iproute2 and
// redis-server (.ci/run has all three); without them the command says so and skips, which is
// tested everywhere.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { linkValidationProblem, validateLink } from "../bench/link-validation.ts";
import { remora } from "./remora.ts";

const problem = linkValidationProblem();
// CI installs the tools: missing, they fail the test there; root and namespaces are the machine's.
if (problem !== null && /apt-get install/.test(problem) && process.env.REMORA_REQUIRE_TOOLCHAINS) throw new Error(problem);

const namespaces = () => spawnSync("ip", ["netns", "list"], { encoding: "utf8" }).stdout ?? "";

test("bad options: one line, exit 2", async () => {
  for (const [args, message] of [
    [["--links", "gigabit,nope"], /^remora: unknown link "nope": choose from .*gigabit/],
    [["--local-pages", "1"], /^remora: --local-pages must be an integer from 2/],
    [["--repetitions", "0"], /^remora: --repetitions must be an integer from 1 to 100, not "0"/],
    [["--workload", "nope"], /^remora: unknown workload "nope"/],
  ] as const) {
    const r = await remora(["validate-link", ...args]);
    assert.equal(r.status, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, message);
  }
});

test("without iproute2 on the PATH it says so and skips", async () => {
  // No PATH: neither ip nor tc can be found (and, when not root, root is what it names).
  const r = await remora(["validate-link", "--repetitions", "1"], { env: { ...process.env, PATH: "/nonexistent" } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, "");
  assert.match(r.stderr, /^remora: validate-link needs (root|iproute2 \(ip is missing).*: skipped\n$/);
});

test("a run over a veth shaped to 155 Mb/s ATM: measured against modelled, and nothing left behind", { skip: problem ?? false, timeout: 300_000 }, async () => {
  const before = namespaces();
  const report = await validateLink({ links: ["atm155"], workload: "qsort", size: "tiny", localPages: 32, repetitions: 1 });
  assert.equal(namespaces(), before, "the namespaces (and their veth) are deleted");
  assert.equal(spawnSync("pgrep", ["-f", "redis-server 10.231.0.2"]).status, 1, "no redis-server is left");
  assert.ok(report.faults > 1000, `${report.faults} faults`);
  const [row] = report.rows;
  assert.equal(row.link, "atm155");
  assert.match(row.shaping, /tbf rate 149760000bit burst 1696 .*linklayer atm/);
  // Shaping to 150 Mb/s adds about 2 x 240 us of wire time to a fault: far above the noise of a
  // mean of 2000 faults, so the measurement sees the link.
  assert.ok(row.measuredAddedMicros > 100, `shaping added ${row.measuredAddedMicros} us`);
  // The calibration: the model with the calibrated protocol cost, on the unshaped veth, is the floor.
  assert.ok(Math.abs(row.calibratedUnshapedMicros - report.floorMicros) < 0.5, `${row.calibratedUnshapedMicros} against ${report.floorMicros}`);
  assert.ok(row.calibratedProtocolMicros > 0);
  assert.equal(row.ratio, row.measuredMeanMicros / row.modelledMicros);
  assert.equal(row.calibratedRatio, row.measuredMeanMicros / row.calibratedMicros);
});

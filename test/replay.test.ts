// The concurrent-clients replay (bench/experiments/concurrent.ts) against the run it was recorded
// from: with one client nothing is shared, so the replay must ask the backing for the same pages in
// the same order at the same modelled times as the real run did, and count the same page-ins,
// page-outs, disk transfers and network bytes. Both keep time in whole cycles, each stall rounded
// the same way, so the times are equal too.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import runJob from "../bench/reproduce-worker.ts";
import { anemoneConcurrent } from "../bench/experiments/anemone-concurrent.ts";
import { replay } from "../bench/experiments/concurrent.ts";
import type { Job, JobResult } from "../bench/experiments/experiment.ts";
import { resolveConfig } from "../host/config.ts";
import { POLICIES } from "../host/policies/index.ts";
import type { Backing, Policy } from "../host/policies/policy.ts";
import type { Stats } from "../host/stats.ts";

/** One call the engine or the replay made to the backing. */
interface Call { op: "in" | "out"; vpage: number; now: number; result: number | null }
/** What the backing saw in one run: every call, and the run's stats after the backing reported. */
interface Recording { calls: Call[]; stats: Stats | null }

let recording: Recording = { calls: [], stats: null };
const originals = new Map<string, Policy>();
for (const name of ["disk", "ram-disk"]) {
  const policy = POLICIES[name];
  originals.set(name, policy);
  POLICIES[name] = {
    ...policy,
    async create(ctx) {
      const backing = await policy.create(ctx);
      const rec = recording;
      rec.stats = ctx.stats;
      let reported = false;
      const recorded: Backing = {
        ...backing,
        pageOut(vpage, bytes, dirty, now) {
          const result = backing.pageOut(vpage, bytes, dirty, now);
          rec.calls.push({ op: "out", vpage, now, result });
          return result;
        },
        pageIn(vpage, into, now) {
          const result = backing.pageIn(vpage, into, now);
          rec.calls.push({ op: "in", vpage, now, result });
          return result;
        },
        // The engine calls report() before close(); the replay does not, and the disk's counts
        // reach the stats only there.
        async report() {
          reported = true;
          return (await backing.report?.()) ?? {};
        },
        async close() {
          if (!reported) await backing.report?.();
          await backing.close();
        },
      };
      return recorded;
    },
  };
}
after(() => { for (const [name, policy] of originals) POLICIES[name] = policy; });

async function recordWhile<T>(fn: () => Promise<T>): Promise<[T, Recording]> {
  const rec: Recording = { calls: [], stats: null };
  recording = rec;
  try {
    return [await fn(), rec];
  } finally {
    recording = { calls: [], stats: null };
  }
}

/** Each fault's modelled latency from the calls, as engine.ts computes it (null: a first touch). */
function latencies(calls: Call[], faultHandlingMicros: number): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < calls.length; i++) {
    const write = calls[i].op === "out" ? calls[i++] : null;
    const read = calls[i];
    assert.equal(read.op, "in", `call ${i} is a page-in`);
    if (write) assert.equal(write.now, read.now, `call ${i}: the write-back and the read of one fault are issued together`);
    out.push(read.result === null ? null : Math.max(read.now, write?.result ?? read.now, read.result) + faultHandlingMicros - read.now);
  }
  return out;
}

// The experiment's own job with the least local memory (the most clients): the one that pages
// (with 1 MiB, the one-client job's trace has no page-in at all).
const job: Job = anemoneConcurrent.jobs(true).at(-1)!;

test("a one-client replay gives the run's page-ins, page-outs, disk transfers, network bytes, fault latencies and time, for the disk and for remote memory", { timeout: 120_000 }, async () => {
  const config = resolveConfig(job.options);
  let diskTrace: JobResult["faultTrace"];
  for (const policy of ["disk", "ram-disk"]) {
    const options = { ...job.options, policy };
    // The run, through reproduce's worker code, as the experiment records it.
    const [run, ran] = await recordWhile(() => runJob({ job: { ...job, options }, spin: true }));
    const { figures } = run;
    const pageIns = figures.pageIns as number;
    const trace = run.faultTrace!;
    assert.ok(figures.verified, `${policy}: the run verified`);
    assert.ok(pageIns > 1000, `${policy}: the run pages (${pageIns} page-ins)`);
    // The MMU's choices do not depend on the backing: the disk run's trace serves both.
    if (diskTrace) assert.deepEqual(trace, diskTrace, "the ram-disk run faults exactly as the disk run");
    diskTrace ??= trace;

    const [replayed, rep] = await recordWhile(() => replay(diskTrace!, 1, options));

    // Counts: exactly equal.
    assert.equal(replayed.faults, pageIns, `${policy}: page-ins`);
    assert.equal(rep.calls.filter((c) => c.op === "out" && c.result !== null).length, figures.pageOuts, `${policy}: page-outs`);
    assert.equal(ran.calls.filter((c) => c.op === "out" && c.result !== null).length, figures.pageOuts, `${policy}: the recording counts the run's page-outs`);
    for (const field of ["diskReads", "diskWrites", "networkBytes"] as const) {
      assert.equal(rep.stats![field], figures[field], `${policy}: ${field}`);
    }
    // The same calls, in the same order, for the same pages, with the same answers present or not.
    const shape = (calls: Call[]) => calls.map((c) => `${c.op} ${c.vpage} ${c.result === null ? "null" : "t"}`);
    assert.deepEqual(shape(rep.calls), shape(ran.calls), `${policy}: the backing sees the same calls`);

    // Times: equal.
    const driftMicros = 0;
    let worst = 0;
    for (const [i, c] of ran.calls.entries()) {
      worst = Math.max(worst, Math.abs(c.now - rep.calls[i].now));
      if (c.result !== null) worst = Math.max(worst, Math.abs(c.result - rep.calls[i].result!));
    }
    assert.ok(worst <= driftMicros, `${policy}: times differ by up to ${worst} µs, more than ${driftMicros} µs of rounding`);
    const ranLatency = latencies(ran.calls, config.faultHandlingMicros);
    const repLatency = latencies(rep.calls, config.faultHandlingMicros);
    const major = ranLatency.filter((l): l is number => l !== null);
    assert.equal(major.length, pageIns);
    // The reconstruction is the engine's: its mean is the run's, to the last bit.
    assert.equal(major.reduce((a, b) => a + b, 0) / major.length, figures.faultLatencyMicros!.mean, `${policy}: mean fault latency`);
    for (const [i, l] of ranLatency.entries()) {
      assert.equal(repLatency[i] === null, l === null, `${policy}: fault ${i} is a first touch in both or neither`);
      if (l !== null) assert.ok(Math.abs(l - repLatency[i]!) <= 2 * driftMicros, `${policy}: fault ${i} took ${l} µs in the run, ${repLatency[i]} in the replay`);
    }
    const makespanMicros = replayed.makespanSeconds * 1e6;
    const modelledMicros = figures.modelledSeconds * 1e6;
    assert.ok(Math.abs(makespanMicros - modelledMicros) <= driftMicros,
      `${policy}: the replay's makespan ${makespanMicros} µs, the run's modelled time ${modelledMicros} µs`);
  }
});

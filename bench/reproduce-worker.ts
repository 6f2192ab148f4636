// A piscina worker of `remora reproduce`: runs one job and returns its figures.
import type { FaultEvent } from "../host/engine.ts";
import { PageLostError } from "../host/memory-engine/memory-engine.ts";
import { run } from "../host/run.ts";
import { poolDefaults } from "../host/servers/pool.ts";
import type { Job, JobResult } from "./experiments/experiment.ts";

export default async function runJob({ job, spin }: { job: Job; spin: boolean }): Promise<JobResult> {
  if (!spin) Object.assign(poolDefaults, { serverSpinMicros: 0, clientSpinMicros: 0 });
  const events: FaultEvent[] = [];
  let r: Awaited<ReturnType<typeof run>>;
  try {
    r = await run(job.options, job.faultTrace ? { onFault: (e) => events.push(e) } : {});
  } catch (e) {
    // A run meant to lose pages: what it lost is its result (no figures: it ended there).
    if (job.expectLoss && e instanceof PageLostError) {
      return { key: job.key, options: job.options, figures: { verified: false } as JobResult["figures"], lost: e.message };
    }
    throw e;
  }
  if (job.expectLoss) throw new Error(`the run lost no page, though ${JSON.stringify(job.key)} should have`);
  const { engine, config: _config, ...figures } = r;
  const result: JobResult = { key: job.key, options: job.options, figures };
  if (job.faultHistogram) result.faultHistogram = histogram(engine.faultLatencyMicros);
  if (job.faultTrace) result.faultTrace = { events, accesses: r.accesses };
  return result;
}

/** Counts in bins a quarter of a power of two wide, in µs: [lower bound, count], empty bins left out. */
function histogram(xs: number[]): [number, number][] {
  const bins = new Map<number, number>();
  for (const x of xs) {
    const k = Math.floor(Math.log2(Math.max(x, 1)) * 4);
    bins.set(k, (bins.get(k) ?? 0) + 1);
  }
  return [...bins].sort((a, b) => a[0] - b[0]).map(([k, n]) => [2 ** (k / 4), n]);
}

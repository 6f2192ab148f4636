// Anemone's stress test, replayed: N copies of one program share the client. Each copy's page
// faults were recorded from a real run with its share of local memory (the MMU's choices of page
// in and victim do not depend on where pages go, so one trace serves every backing). The replay
// runs the copies on one CPU: a copy computes until its next fault, then waits for its page while
// the scheduler runs another copy that is ready. All copies' page-ins and write-backs go to one
// backing: one disk arm (their swap slots interleaved in one swap area) or one link to the
// memory engine. The makespan is when the last copy finishes.
import { resolveConfig, type RunOptions } from "../../host/config.ts";
import type { FaultEvent } from "../../host/engine.ts";
import { POLICIES } from "../../host/policies/index.ts";
import { newStats, type Stats } from "../../host/stats.ts";

export interface FaultTrace { events: FaultEvent[]; accesses: number }

/** Each copy's pages get their own range of virtual page numbers in the shared backing. */
const COPY_STRIDE = 2 ** 21;

/** The makespan of `copies` copies of the traced program on one CPU and one backing, the page-ins
 *  they made, and the backing's counts (disk transfers, network bytes). */
export async function replay(trace: FaultTrace, copies: number, options: RunOptions): Promise<{ makespanSeconds: number; faults: number; stats: Stats }> {
  const config = resolveConfig(options);
  const stats = newStats();
  const backing = await POLICIES[config.policy].create({ config, stats });
  const frame = new Uint8Array(config.pageSizeBytes);
  const cyclesPerMicro = config.clockHz / 1e6;
  try {
    // Time in whole cycles, each stall rounded as the engine rounds it: one copy's replay asks
    // the backing at exactly the times of the run it was recorded from.
    const next = new Array(copies).fill(0); // next fault of each copy
    const readyAt = new Array(copies).fill(0); // when its last page arrived
    const lastAccesses = new Array(copies).fill(0);
    let cpu = 0; // when the CPU is next free
    let finished = 0;
    let makespan = 0;
    let faults = 0;
    while (finished < copies) {
      // The copy whose page arrived first (lowest id on ties): first come, first run; deterministic.
      let c = -1;
      for (let i = 0; i < copies; i++) {
        if (next[i] <= trace.events.length && (c < 0 || readyAt[i] < readyAt[c])) c = i;
      }
      cpu = Math.max(cpu, readyAt[c]);
      if (next[c] === trace.events.length) {
        cpu += (trace.accesses - lastAccesses[c]) * config.localAccessCycles; // runs to its end
        makespan = Math.max(makespan, cpu);
        next[c]++;
        finished++;
        continue;
      }
      const e = trace.events[next[c]++];
      cpu += (e.accesses - lastAccesses[c]) * config.localAccessCycles;
      lastAccesses[c] = e.accesses;
      const base = c * COPY_STRIDE;
      const now = cpu / cyclesPerMicro;
      let done = now;
      if (e.vpageOut >= 0) {
        const written = backing.pageOut(base + e.vpageOut, frame, e.dirty, now);
        if (written !== null) done = Math.max(done, written);
      }
      const arrived = backing.pageIn(base + e.vpageIn, frame, now);
      if (arrived !== null) {
        faults++;
        done = Math.max(done, arrived) + config.faultHandlingMicros;
      }
      readyAt[c] = cpu + Math.round((done - now) * cyclesPerMicro);
    }
    await backing.report?.();
    return { makespanSeconds: makespan / config.clockHz, faults, stats };
  } finally {
    await backing.close();
  }
}

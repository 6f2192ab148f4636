// Anemone's stress test: N ray tracers at once on one client, sharing its local memory, paging to
// the engine or to the disk. Each N's fault trace comes from a real run with 1/N of the local
// memory; ./concurrent.ts replays N copies on one CPU against one shared backing.
import { replay, type FaultTrace } from "./concurrent.ts";
import { pick, sizing, type Experiment, type Job, type JobResult } from "./experiment.ts";

const clientCounts = (quick: boolean) => (quick ? [1, 2, 4] : [1, 2, 4, 8]);
/** Local memory shared by all the copies: about one copy's working set, so one runs alone in it. */
const sharedLocalMem = (quick: boolean) => (quick ? 1 << 20 : 8 << 20);

export const anemoneConcurrent: Experiment = {
  name: "anemone-concurrent",
  title: "Concurrent ray tracers: speedup of remote memory over the disk as clients grow",
  source: "Anemone (2005), multiple ray tracers",
  jobs: (quick) => clientCounts(quick).map((clients): Job => {
    const { size } = sizing(quick, 0);
    return {
      key: { workload: "raytrace", clients },
      options: { workload: "raytrace", size, policy: "disk", preset: "anemone05", localMem: `${sharedLocalMem(quick) / clients}B` },
      faultTrace: true,
    };
  }),
  async derive(results: JobResult[], quick: boolean) {
    const rows = [];
    for (const clients of clientCounts(quick)) {
      const r = pick(results, { clients });
      const trace: FaultTrace = r.faultTrace!;
      const disk = await replay(trace, clients, { ...r.options, policy: "disk" });
      const remote = await replay(trace, clients, { ...r.options, policy: "ram-disk" });
      rows.push({ clients, diskSeconds: disk.makespanSeconds, ramDiskSeconds: remote.makespanSeconds, faults: disk.faults, speedup: disk.makespanSeconds / remote.makespanSeconds });
    }
    return { rows };
  },
  summary(_results, derived) {
    const rows = derived.rows as { clients: number; speedup: number }[];
    const last = rows[rows.length - 1];
    return [
      { figure: `${last.clients} ray tracers: disk / ram-disk makespan`, paper: "13x (many ray tracers)", paperValue: 13, ours: last.speedup, unit: "x" },
      {
        figure: `speedup grows with the number of clients (${rows.map((r) => `${r.clients}: ${r.speedup.toFixed(1)}x`).join(", ")})`,
        paper: "yes", paperValue: null, ours: null, unit: "",
        oursText: rows.every((r, i) => i === 0 || r.speedup > rows[i - 1].speedup) ? "yes" : "no",
      },
    ];
  },
};

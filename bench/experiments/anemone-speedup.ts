// Anemone: execution time of single memory-bound programs, paging to the engine against the disk.
import { pick, sizing, type Experiment, type Job } from "./experiment.ts";

const PROGRAMS = ["qsort", "raytrace", "eventsim"];

export const anemoneSpeedup: Experiment = {
  name: "anemone-speedup",
  title: "Execution-time speedup of paging to remote memory over the disk",
  source: "Anemone (2005), single programs",
  jobs: (quick) => PROGRAMS.flatMap((workload) => ["disk", "ram-disk"].map((policy): Job => ({
    key: { workload, policy },
    options: { workload, policy, preset: "anemone05", ...sizing(quick, 1 << 20) },
  }))),
  summary(results) {
    const seconds = (workload: string, policy: string) => pick(results, { workload, policy }).figures.modelledSeconds;
    return PROGRAMS.map((w) => ({
      figure: `${w}: disk / ram-disk execution time`, paper: "2-3x", paperValue: 2.5, ours: seconds(w, "disk") / seconds(w, "ram-disk"), unit: "x",
    }));
  },
};

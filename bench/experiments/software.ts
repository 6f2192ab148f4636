// Markatos'96 fig. 4: counters kept in software (1000-cycle remote accesses) against hardware ones.
import { avg, MARKATOS_LOCAL_MEM, MARKATOS_PROGRAMS, sizing, type Experiment, type Job } from "./experiment.ts";

const POLICIES = ["disk", "ram-disk", "counters", "software-counters"];

export const software: Experiment = {
  name: "software",
  title: "Software against hardware counters: access cost (cycles)",
  source: "Markatos'96 fig. 4",
  jobs: (quick) => MARKATOS_PROGRAMS.flatMap((workload) => POLICIES.map((policy): Job => ({
    key: { workload, policy },
    options: { workload, policy, preset: "markatos96", ...sizing(quick, MARKATOS_LOCAL_MEM) },
  }))),
  summary(results) {
    const cost = (workload: string, policy: string) => avg(results, { workload, policy });
    return [
      ...MARKATOS_PROGRAMS.map((w) => ({
        figure: `${w.toUpperCase()}: SOFTWARE_COUNTERS / COUNTERS`, paper: "only slightly worse", paperValue: null,
        ours: cost(w, "software-counters") / cost(w, "counters"), unit: "x",
      })),
      { figure: "TRANS: SOFTWARE_COUNTERS / RAM_DISK", paper: "significantly better", paperValue: null, ours: cost("trans", "software-counters") / cost("trans", "ram-disk"), unit: "x" },
    ];
  },
};

// Markatos'96 fig. 1: average memory access cost of every program under each paging policy.
import { avg, MARKATOS_LOCAL_MEM, MARKATOS_PROGRAMS, sizing, type Experiment, type Job } from "./experiment.ts";

const POLICIES = ["disk", "ram-disk", "remote-main", "counters"];

export const policies: Experiment = {
  name: "policies",
  title: "Paging policies: average access cost (cycles) per program",
  source: "Markatos'96 fig. 1",
  jobs: (quick) => MARKATOS_PROGRAMS.flatMap((workload) => POLICIES.map((policy): Job => ({
    key: { workload, policy },
    options: { workload, policy, preset: "markatos96", ...sizing(quick, MARKATOS_LOCAL_MEM) },
  }))),
  summary(results) {
    const cost = (workload: string, policy: string) => avg(results, { workload, policy });
    const best = (workload: string) => Math.min(...POLICIES.map((p) => cost(workload, p)));
    return [
      { figure: "TRANS: DISK / COUNTERS access cost", paper: "24349 / 65.65 = 371", paperValue: 371, ours: cost("trans", "disk") / cost("trans", "counters"), unit: "x" },
      ...["trans", "gauss", "sort"].map((w) => ({
        figure: `${w.toUpperCase()}: COUNTERS / best policy`, paper: "best or close to it", paperValue: 1, ours: cost(w, "counters") / best(w), unit: "x",
      })),
      { figure: "MVEC: DISK / COUNTERS access cost", paper: "DISK about 10% better", paperValue: 0.9, ours: cost("mvec", "disk") / cost("mvec", "counters"), unit: "x" },
    ];
  },
};

// Break-even counters (`--counter auto`, host/policies/break-even.ts) against the counter sweep of
// Markatos'96 fig. 3, under hardware and software counters: how far is the value the rent-or-buy
// rule picks from the best value of the sweep?
import { counterValues } from "./counter.ts";
import { avg, MARKATOS_LOCAL_MEM, MARKATOS_PROGRAMS, pick, sizing, type Experiment, type Job } from "./experiment.ts";

export const COUNTER_POLICIES = ["counters", "software-counters"];

export const counterAuto: Experiment = {
  name: "counter-auto",
  title: "Break-even counters (--counter auto) against the counter sweep: access cost (cycles)",
  source: "Black, Gupta and Weber 1989 (rent or buy), on Markatos'96 fig. 3",
  // The sweep's options are written as counter.ts writes them, so the two experiments share runs.
  jobs: (quick) => COUNTER_POLICIES.flatMap((policy) => MARKATOS_PROGRAMS.flatMap((workload) =>
    [...counterValues(quick), "auto" as const].map((value): Job => ({
      key: { workload, policy, counter: value },
      options: { workload, policy, counter: value, preset: "markatos96", ...sizing(quick, MARKATOS_LOCAL_MEM) },
    })))),
  summary(results) {
    return COUNTER_POLICIES.flatMap((policy) => MARKATOS_PROGRAMS.map((workload) => {
      const sweep = results.filter((r) => r.key.workload === workload && r.key.policy === policy && r.key.counter !== "auto");
      const best = sweep.reduce((a, b) => (b.figures.avgAccessCycles < a.figures.avgAccessCycles ? b : a));
      const auto = pick(results, { workload, policy, counter: "auto" });
      return {
        figure: `${workload.toUpperCase()} ${policy}: auto (${auto.figures.counterInitial}) / best of the sweep (${best.key.counter})`,
        paper: "within 3x: the competitive bound of page migration",
        paperValue: null,
        ours: avg(results, { workload, policy, counter: "auto" }) / best.figures.avgAccessCycles,
        unit: "x",
      };
    }));
  },
};

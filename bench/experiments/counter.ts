// Markatos'96 fig. 3: COUNTERS as the counter's initial value goes from 1 to 4096.
import { avg, MARKATOS_LOCAL_MEM, MARKATOS_PROGRAMS, sizing, type Experiment, type Job } from "./experiment.ts";

export const counterValues = (quick: boolean): number[] =>
  Array.from({ length: 13 }, (_, i) => 2 ** i).filter((c, i) => !quick || i % 2 === 0); // quick: 1, 4, ..., 4096

export const counter: Experiment = {
  name: "counter",
  title: "COUNTERS: access cost (cycles) against the counter's initial value",
  source: "Markatos'96 fig. 3",
  jobs: (quick) => MARKATOS_PROGRAMS.flatMap((workload) => counterValues(quick).map((value): Job => ({
    key: { workload, counter: value },
    options: { workload, policy: "counters", counter: value, preset: "markatos96", ...sizing(quick, MARKATOS_LOCAL_MEM) },
  }))),
  summary(results) {
    const values = [...new Set(results.map((r) => r.key.counter as number))].sort((a, b) => a - b);
    const cost = (workload: string, value: number) => avg(results, { workload, counter: value });
    const lo = values[0], hi = values[values.length - 1];
    return [
      { figure: `TRANS: counter ${hi} / counter ${lo}`, paper: "improves as the counter grows", paperValue: null, ours: cost("trans", hi) / cost("trans", lo), unit: "x" },
      { figure: `SORT: counter ${hi} / counter ${lo}`, paper: "gets worse as the counter grows", paperValue: null, ours: cost("sort", hi) / cost("sort", lo), unit: "x" },
      ...MARKATOS_PROGRAMS.map((w) => {
        const best = Math.min(...values.map((v) => cost(w, v)));
        const mid = Math.min(...values.filter((v) => v >= 64 && v <= 512).map((v) => cost(w, v)));
        return { figure: `${w.toUpperCase()}: best counter in 64..512 / best counter`, paper: "(almost) the best", paperValue: 1, ours: mid / best, unit: "x" };
      }),
    ];
  },
};

// Anemone: the modelled latency of a 4 KiB page fault, from the memory engine (its reply via the
// engine or straight from the server) and from the disk; the whole distribution, as a histogram.
import { pick, sizing, type Experiment, type Job } from "./experiment.ts";

const PATHS = [
  { path: "disk", options: { policy: "disk" } },
  { path: "engine", options: { policy: "ram-disk", reply: "via-engine" as const } },
  { path: "engine, direct reply", options: { policy: "ram-disk", reply: "direct" as const } },
];

export const anemoneLatency: Experiment = {
  name: "anemone-latency",
  title: "Page-fault latency (µs): memory engine against disk",
  source: "Anemone (2005), fault latency",
  jobs: (quick) => PATHS.map(({ path, options }): Job => ({
    key: { workload: "qsort", path },
    options: { workload: "qsort", preset: "anemone05", ...sizing(quick, 1 << 20), ...options },
    faultHistogram: true,
  })),
  summary(results) {
    const mean = (path: string) => pick(results, { path }).figures.faultLatencyMicros?.mean ?? NaN;
    return [
      { figure: "mean 4 KiB fault from the engine", paper: "650-700 µs", paperValue: 675, ours: mean("engine"), unit: "µs" },
      { figure: "mean fault from the disk", paper: "6.5 ms", paperValue: 6500, ours: mean("disk"), unit: "µs" },
      { figure: "disk / engine fault latency", paper: "8.9x", paperValue: 8.9, ours: mean("disk") / mean("engine"), unit: "x" },
    ];
  },
};

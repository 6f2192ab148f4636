// Markatos'96 fig. 2: access cost as the network's throughput grows from 1 to 100 MB/s. DISK does
// not use the network; REMOTE_MAIN moves no pages while remote memory has room, so each is run once.
import { avg, MARKATOS_LOCAL_MEM, sizing, type Experiment, type Job } from "./experiment.ts";

export const THROUGHPUTS_MB = [1, 2, 5, 10, 25, 50, 100];
const PROGRAMS = ["gauss", "sort"];

export const network: Experiment = {
  name: "network",
  title: "Access cost (cycles) against network throughput (MB/s)",
  source: "Markatos'96 fig. 2",
  jobs(quick) {
    const base = { preset: "markatos96", ...sizing(quick, MARKATOS_LOCAL_MEM) };
    return PROGRAMS.flatMap((workload): Job[] => [
      { key: { workload, policy: "disk", throughputMBps: 0 }, options: { workload, policy: "disk", ...base } },
      { key: { workload, policy: "remote-main", throughputMBps: 0 }, options: { workload, policy: "remote-main", ...base } },
      ...THROUGHPUTS_MB.flatMap((mb) => ["ram-disk", "counters"].map((policy): Job => ({
        key: { workload, policy, throughputMBps: mb },
        options: { workload, policy, bandwidth: `${mb}MB/s`, ...base },
      }))),
    ]);
  },
  summary(results) {
    // The lowest throughput from which both RAM_DISK and COUNTERS beat DISK on GAUSS.
    const disk = avg(results, { workload: "gauss", policy: "disk" });
    const beats = THROUGHPUTS_MB.filter((mb) => THROUGHPUTS_MB.filter((m) => m >= mb).every((m) =>
      ["ram-disk", "counters"].every((policy) => avg(results, { workload: "gauss", policy, throughputMBps: m }) < disk)));
    return [
      { figure: "GAUSS: throughput from which remote memory beats DISK", paper: "about the disk's 5 MB/s", paperValue: 5, ours: beats[0] ?? null, unit: "MB/s" },
      { figure: "GAUSS at 100 MB/s: DISK / COUNTERS", paper: "DISK clearly inferior", paperValue: null, ours: disk / avg(results, { workload: "gauss", policy: "counters", throughputMBps: 100 }), unit: "x" },
    ];
  },
};

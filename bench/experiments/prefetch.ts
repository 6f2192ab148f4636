// Beyond the papers: prefetching remote and swapped pages. Every workload under DISK and RAM_DISK on
// anemone05 with 1/8 of its working set local, without prefetching, with Linux's swap readahead
// of 8 pages, and with Leap's majority-stride prefetcher (USENIX ATC'20).
import { WORKLOADS } from "../../workloads/index.ts";
import { PRESETS } from "../../host/presets/index.ts";
import type { SizeName } from "../../workloads/spec.ts";
import { pick, type Experiment, type Job, type JobResult, type SummaryRow } from "./experiment.ts";

export const PREFETCH_CHOICES = ["none", "readahead:8", "leap"];
const POLICIES = ["disk", "ram-disk"];

/** 1/8 of the workload's working set at this size, in pages of anemone05. */
function eighthPages(workload: string, size: SizeName): number {
  const spec = WORKLOADS[workload];
  return Math.max(2, Math.floor(spec.workingSetBytes(spec.sizes[size]) / 8 / PRESETS.anemone05.pageSizeBytes));
}

export const prefetch: Experiment = {
  name: "prefetch",
  title: "Prefetching: execution time, accuracy and coverage of none, readahead:8 and leap",
  source: "beyond the papers: Linux swap readahead; Leap (ATC'20)",
  jobs: (quick) => {
    const size: SizeName = quick ? "tiny" : "small";
    // --quick: the programs the summary names, at size tiny.
    const workloads = quick ? ["mvec", "trans", "qsort", "raytrace", "eventsim"] : Object.keys(WORKLOADS);
    return workloads.flatMap((workload) => POLICIES.flatMap((policy) => PREFETCH_CHOICES.map((p): Job => ({
      key: { workload, policy, prefetch: p },
      options: { workload, policy, prefetch: p, preset: "anemone05", size, localPages: eighthPages(workload, size) },
    }))));
  },
  summary(results) {
    const at = (workload: string, policy: string, p: string): JobResult["figures"] => pick(results, { workload, policy, prefetch: p }).figures;
    const workloads = [...new Set(results.map((r) => r.key.workload as string))];
    const rows: SummaryRow[] = [];
    for (const w of ["mvec", "trans"].filter((x) => workloads.includes(x))) {
      rows.push({ figure: `${w} (disk): readahead:8 / none execution time`, paper: "faster (below 1)", paperValue: null, ours: at(w, "disk", "readahead:8").modelledSeconds / at(w, "disk", "none").modelledSeconds, unit: "x" });
    }
    for (const w of ["qsort", "raytrace", "eventsim"].filter((x) => workloads.includes(x))) {
      for (const policy of POLICIES) {
        rows.push({ figure: `${w} (${policy}): leap accuracy - readahead:8 accuracy`, paper: "at least 0", paperValue: null,
          ours: (at(w, policy, "leap").prefetchAccuracy as number) - (at(w, policy, "readahead:8").prefetchAccuracy as number), unit: "" });
      }
    }
    const worst = Math.max(...workloads.flatMap((w) => POLICIES.map((p) => at(w, p, "leap").modelledSeconds / at(w, p, "none").modelledSeconds)));
    rows.push({ figure: "slowest leap / none execution time, any workload and policy", paper: "at most 1.1", paperValue: null, ours: worst, unit: "x" });
    return rows;
  },
};

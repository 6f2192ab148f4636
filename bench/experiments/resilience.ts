// Beyond the papers: redundant remote memory and a server crash (issue 17; Anemone names
// replication as its next step, Hydra erasure-codes pages). One faulting workload, qsort under
// ram-disk on 6 memory servers, kept with none, replicate:2 and ec:4+2 (the largest Hydra-like
// code 6 servers hold), each without a failure and with server 1 crashing halfway through the
// run's page transfers. Under none the crash loses pages: that run ends with exit 4, and is
// shown as lost, not as a time.
import type { RunOptions } from "../../host/config.ts";
import { pick, type Experiment, type Job, type SummaryRow } from "./experiment.ts";

export const RESILIENCE_REDUNDANCY = ["none", "replicate:2", "ec:4+2"];
const SERVERS = 6;
const FAILED_SERVER = 1;
/** Half of the page transfers (page-ins + page-outs) qsort makes at each size with this local
 *  memory: 35358 (small, 1 MiB) and 4282 (tiny, 128 KiB), the same under every redundancy (it
 *  changes what a transfer costs, not which pages move). derive() reports the share each
 *  crash came at, from the runs themselves. */
const HALFWAY = { small: 17679, tiny: 2141 };

const sizeOf = (quick: boolean) => (quick ? "tiny" : "small");

export interface ResilienceRow {
  redundancy: string;
  failure: boolean;
  /** null: pages were lost and the run ended (exit 4). */
  modelledSeconds: number | null;
  remoteBytesPeak: number | null;
  redundancySeconds: number | null;
  recoverySeconds: number | null;
  pagesRecovered: number | null;
  lost: string | null;
  verified: boolean | null;
}

export const resilience: Experiment = {
  name: "resilience",
  title: "Redundant remote memory: execution time and remote memory of none, replicate:2 and ec:4+2, with and without a server crash",
  source: "beyond the papers: Anemone's future work (replication), Hydra (FAST'22, erasure coding)",
  jobs: (quick) => {
    const size = sizeOf(quick);
    return RESILIENCE_REDUNDANCY.flatMap((redundancy) => [false, true].map((failure): Job => {
      const options: RunOptions = {
        workload: "qsort", size, policy: "ram-disk", servers: SERVERS,
        ...(quick ? { localMem: `${(1 << 20) / 8}B` } : {}),
        ...(redundancy === "none" ? {} : { redundancy }),
        ...(failure ? { failServer: [`${FAILED_SERVER}@${HALFWAY[size]}`] } : {}),
      };
      return { key: { redundancy, failure: failure ? "server 1 fails" : "no failure" }, options, expectLoss: failure && redundancy === "none" };
    }));
  },
  async derive(results, quick) {
    const rows: ResilienceRow[] = results.map((r) => {
      const f = r.figures;
      const lost = r.lost ?? null;
      const seconds = (cycles: unknown) => (lost === null ? (cycles as number) / (f.modelledCycles / f.modelledSeconds) : null);
      return {
        redundancy: r.key.redundancy as string,
        failure: r.key.failure !== "no failure",
        modelledSeconds: lost === null ? f.modelledSeconds : null,
        remoteBytesPeak: lost === null ? (f.remoteBytesPeak as number) : null,
        redundancySeconds: seconds(f.redundancyCycles),
        recoverySeconds: seconds(f.recoveryCycles),
        pagesRecovered: lost === null ? (f.pagesRecovered as number) : null,
        lost,
        verified: lost === null ? f.verified : null,
      };
    });
    const none = pick(results, { redundancy: "none", failure: "no failure" }).figures;
    const transfers = (none.pageIns as number) + (none.pageOuts as number);
    return { rows, size: sizeOf(quick), servers: SERVERS, failedServer: FAILED_SERVER, failAfterTransfers: HALFWAY[sizeOf(quick)], transfers, failAtShare: HALFWAY[sizeOf(quick)] / transfers };
  },
  summary(_results, derived) {
    const rows = derived.rows as ResilienceRow[];
    const at = (redundancy: string, failure: boolean) => rows.find((r) => r.redundancy === redundancy && r.failure === failure)!;
    const out: SummaryRow[] = [];
    const none = at("none", false);
    for (const redundancy of RESILIENCE_REDUNDANCY.slice(1)) {
      const r = at(redundancy, false);
      out.push({ figure: `${redundancy}: execution time / none's, no failure`, paper: "above 1: the extra traffic", paperValue: null, ours: r.modelledSeconds! / none.modelledSeconds!, unit: "x" });
      out.push({ figure: `${redundancy}: remote memory / none's`, paper: redundancy === "replicate:2" ? "2 (two copies)" : "1.5 (6 fragments of 1/4 page)", paperValue: null, ours: r.remoteBytesPeak! / none.remoteBytesPeak!, unit: "x" });
      const failed = at(redundancy, true);
      out.push({ figure: `${redundancy}: server 1 fails halfway: pages recovered, run verified`, paper: "nothing lost", paperValue: null,
        ours: failed.pagesRecovered, unit: "pages", oursText: failed.lost !== null ? `LOST: ${failed.lost}` : `${failed.pagesRecovered} recovered, ${failed.verified ? "verified" : "NOT verified"}` });
    }
    const noneFailed = at("none", true);
    out.push({ figure: "none: server 1 fails halfway", paper: "pages lost, exit 4", paperValue: null, ours: null, unit: "",
      oursText: noneFailed.lost !== null ? "lost, exit 4" : "NOT lost: the failure went unnoticed" });
    out.push({ figure: "the crash came at, of the run's page transfers", paper: "halfway", paperValue: null, ours: (derived.failAtShare as number) * 100, unit: "%" });
    return out;
  },
};

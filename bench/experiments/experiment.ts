// An experiment of `remora reproduce`: the runs it needs (jobs) and the headline figures it draws
// from their results (summary rows, set against the paper's numbers). One module per experiment,
// registered in ./index.ts.
import type { RunOptions } from "../../host/config.ts";
import type { FaultEvent } from "../../host/engine.ts";

/** One run: the options of `remora run`, and the coordinates it is plotted at. */
export interface Job {
  /** The experiment's own coordinates for this run, e.g. { workload: "trans", policy: "disk" }. */
  key: Record<string, string | number>;
  options: RunOptions;
  /** Also return the modelled latency of every major page fault, as a histogram. */
  faultHistogram?: boolean;
  /** Also return the trace of page faults, for the concurrent-clients replay. */
  faultTrace?: boolean;
  /** The run is meant to lose pages (a server failure with too little redundancy): its lost
   *  page is its result (JobResult.lost), and a run that loses nothing fails the experiment. */
  expectLoss?: boolean;
}

/** What a job's run reports: the result JSON's figures (without the configuration). */
export interface JobResult {
  key: Job["key"];
  options: RunOptions;
  figures: Record<string, unknown> & {
    verified: boolean; avgAccessCycles: number; modelledSeconds: number; modelledCycles: number;
    accesses: number; pageFaults: number; migrations: number; remoteAccesses: number; wallSeconds: number;
    faultLatencyMicros: { mean: number; p50: number; p99: number } | null;
  };
  /** Log-spaced bins of modelled fault latency (µs): [lower bound, count]. */
  faultHistogram?: [number, number][];
  /** Job.expectLoss: the lost page's message (the run ended, exit 4); figures then hold only
   *  `verified: false`. */
  lost?: string;
  /** Every page fault the MMU took, and the run's accesses (for the concurrent-clients replay). */
  faultTrace?: { events: FaultEvent[]; accesses: number };
}

export interface SummaryRow {
  figure: string;
  paper: string;
  /** The paper's number where it gives one, for the ratio column. */
  paperValue: number | null;
  ours: number | null;
  unit: string;
  /** Ours in words, for a yes/no figure. */
  oursText?: string;
}

export interface Experiment {
  name: string;
  title: string;
  /** Where in the papers it comes from. */
  source: string;
  jobs(quick: boolean): Job[];
  /** Extra figures computed from the runs (e.g. a replay); kept in the experiment's JSON. */
  derive?(results: JobResult[], quick: boolean): Promise<Record<string, unknown>>;
  summary(results: JobResult[], derived: Record<string, unknown>): SummaryRow[];
}

/** The full run uses size small with the preset's local memory; --quick uses size tiny with 1/8 of
 *  it, so working sets stay several times local memory at a tenth of the time. */
export function sizing(quick: boolean, localMemBytes: number): Pick<RunOptions, "size" | "localMem"> {
  return quick ? { size: "tiny", localMem: `${localMemBytes / 8}B` } : { size: "small" };
}

/** The result of the run at these coordinates (the experiment planned it, so it is there). */
export function pick(results: JobResult[], key: Job["key"]): JobResult {
  const found = results.find((r) => Object.entries(key).every(([k, v]) => r.key[k] === v));
  if (!found) throw new Error(`no run at ${JSON.stringify(key)}`);
  return found;
}

export const avg = (results: JobResult[], key: Job["key"]): number => pick(results, key).figures.avgAccessCycles;

/** Markatos'96's programs (fig. 1) and the policies it compares. */
export const MARKATOS_PROGRAMS = ["trans", "gauss", "sort", "mvec"];
export const MARKATOS_LOCAL_MEM = 1 << 20;

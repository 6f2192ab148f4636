// `remora reproduce`: runs the experiments of both papers over a piscina pool of workers, shows
// progress, and writes DIR/<experiment>.json and .csv and DIR/summary.md (paper against ours).
import { setMaxListeners } from "node:events";
import { mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import cliProgress from "cli-progress";
import { Piscina } from "piscina";
import type { Job, JobResult, SummaryRow } from "./experiments/experiment.ts";
import { ConfigError } from "../host/config.ts";
import { EXPERIMENTS } from "./experiments/index.ts";
import { copyPlayground } from "./web/playground-files.ts";
import { atRoot, packageModule, workerExecArgv } from "../host/paths.ts";
import { dashboardHtml, readResults } from "./web/page.ts";

export interface ReproduceOptions {
  quick: boolean;
  only: string[];
  jobs: number;
  out: string;
  /** Progress lines go here (stderr); a bar when it is a terminal. */
  progress?: NodeJS.WriteStream;
}

/** Bad input to reproduce: a kind of ConfigError (one line, exit 2). */
export class ReproduceError extends ConfigError {
  override name = "ReproduceError";
}

const VERSION: string = JSON.parse(readFileSync(atRoot("package.json"), "utf8")).version;

export function checkReproduceOptions(o: { only?: string; jobs?: string; out?: string }): Pick<ReproduceOptions, "only" | "jobs" | "out"> {
  const only = o.only ? o.only.split(",").map((s) => s.trim()) : Object.keys(EXPERIMENTS);
  for (const name of only) {
    if (!(name in EXPERIMENTS)) throw new ReproduceError(`unknown experiment "${name}": choose from ${Object.keys(EXPERIMENTS).join(", ")}`);
  }
  const jobs = o.jobs === undefined ? availableParallelism() : /^\d+$/.test(o.jobs) ? Number(o.jobs) : NaN;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 64) throw new ReproduceError(`--jobs must be an integer from 1 to 64, not "${o.jobs}"`);
  const out = o.out ?? "results";
  try {
    mkdirSync(out, { recursive: true });
    const probe = join(out, ".remora-write-test");
    writeFileSync(probe, "");
    unlinkSync(probe);
  } catch (e) {
    throw new ReproduceError(`cannot write to the output folder "${out}": ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return { only, jobs, out };
}

/** Writes a file whole or not at all: to a temporary name, then renamed. */
function writeAtomic(path: string, text: string): void {
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}

export async function reproduce(o: ReproduceOptions): Promise<{ summary: SummaryRow[]; interrupted: boolean; failed: string[] }> {
  const experiments = o.only.map((name) => EXPERIMENTS[name]);
  // Every distinct run once, even when two experiments need it.
  const planned = experiments.map((e) => ({ experiment: e, jobs: e.jobs(o.quick) }));
  const unique = new Map<string, Job>();
  for (const { jobs } of planned) for (const job of jobs) unique.set(jobKey(job), mergeJob(unique.get(jobKey(job)), job));

  const pool = new Piscina<{ job: Job; spin: boolean }, JobResult>({
    filename: packageModule("bench/reproduce-worker").href,
    minThreads: 1,
    maxThreads: o.jobs,
    idleTimeout: 1000,
    execArgv: workerExecArgv(true),
  });
  const progress = startProgress(o.progress ?? process.stderr, unique.size);
  const controller = new AbortController();
  setMaxListeners(0, controller.signal); // one listener a queued run
  let interrupted = false;
  const onSigint = () => { interrupted = true; controller.abort(); };
  process.once("SIGINT", onSigint);
  const done = new Map<string, JobResult>();
  const failures = new Map<string, string>();
  const started = performance.now();
  try {
    await Promise.all([...unique].map(async ([key, job]) => {
      try {
        const result = await pool.run({ job, spin: o.jobs === 1 }, { signal: controller.signal });
        done.set(key, result);
        if (!result.figures.verified && result.lost === undefined) failures.set(key, "checksum differs from the plain run");
      } catch (e) {
        if (!interrupted) failures.set(key, (e as Error).message.split("\n")[0]);
      }
      if (!interrupted) progress.tick(`${describe(job)}${failures.has(key) ? " FAILED" : ""}`);
    }));
  } finally {
    process.off("SIGINT", onSigint);
    progress.stop();
    await pool.destroy();
  }

  const summary: SummaryRow[] = [];
  const failed: string[] = [];
  for (const { experiment, jobs } of planned) {
    const results = jobs.map((job) => done.get(jobKey(job)));
    const missing = jobs.filter((job) => !done.has(jobKey(job)) || failures.has(jobKey(job)));
    if (missing.length > 0) {
      // Incomplete: nothing is written under the experiment's name.
      failed.push(`${experiment.name}: ${missing.length} of ${jobs.length} runs ${interrupted ? "did not finish" : `failed (${failures.get(jobKey(missing[0])) ?? "not run"})`}`);
      continue;
    }
    const complete = results.map((r, i) => ({ ...r!, key: jobs[i].key }));
    const derived = (await experiment.derive?.(complete, o.quick)) ?? {};
    const rows = experiment.summary(complete, derived);
    summary.push(...rows);
    const runs = complete.map(({ faultTrace: _t, ...r }) => r);
    writeAtomic(join(o.out, `${experiment.name}.json`), `${JSON.stringify({
      experiment: experiment.name, title: experiment.title, source: experiment.source, remoraVersion: VERSION,
      quick: o.quick, wallSeconds: (performance.now() - started) / 1000, runs, derived, summary: rows,
    }, null, 1)}\n`);
    writeAtomic(join(o.out, `${experiment.name}.csv`), toCsv(runs));
  }
  if (summary.length > 0) {
    writeAtomic(join(o.out, "summary.md"), summaryMarkdown(summary, o, failed));
    writeAtomic(join(o.out, "dashboard.html"), dashboardHtml(readResults(o.out), null));
    // The playground, for any static server that sends its isolation headers (README: Playground).
    copyPlayground(o.out);
  }
  return { summary, interrupted, failed };
}

const jobKey = (job: Job): string => JSON.stringify(job.options);

function mergeJob(a: Job | undefined, b: Job): Job {
  return a ? { ...a, faultHistogram: a.faultHistogram || b.faultHistogram, faultTrace: a.faultTrace || b.faultTrace } : b;
}

const describe = (job: Job): string => Object.values(job.key).join(" ");

const CSV_FIGURES = ["verified", "avgAccessCycles", "modelledSeconds", "accesses", "pageFaults", "migrations", "remoteAccesses", "diskReads", "diskWrites", "networkBytes", "wallSeconds"];

function toCsv(runs: JobResult[]): string {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.key)))];
  const lines = [[...keys, ...CSV_FIGURES, "faultLatencyMeanMicros"].join(",")];
  for (const r of runs) {
    lines.push([...keys.map((k) => r.key[k] ?? ""), ...CSV_FIGURES.map((f) => r.figures[f]), r.figures.faultLatencyMicros?.mean ?? ""].join(","));
  }
  return `${lines.join("\n")}\n`;
}

export const formatNumber = (x: number | null): string =>
  x === null || !Number.isFinite(x) ? "—" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);

export function summaryTable(rows: SummaryRow[]): string {
  const lines = ["| figure | paper | ours | ours / paper |", "|---|---|---|---|"];
  for (const r of rows) {
    const ratio = r.paperValue !== null && r.ours !== null ? formatNumber(r.ours / r.paperValue) : "—";
    lines.push(`| ${r.figure} | ${r.paper} | ${r.oursText ?? `${formatNumber(r.ours)} ${r.unit}`} | ${ratio} |`);
  }
  return lines.join("\n");
}

function summaryMarkdown(rows: SummaryRow[], o: ReproduceOptions, failed: string[]): string {
  const command = `./bin/remora reproduce${o.quick ? " --quick" : ""} --only ${o.only.join(",")}`;
  return [
    `# remora ${VERSION}: the papers' headline figures, reproduced`, "",
    `Made by \`${command}\` (${o.quick ? "quick: size tiny, 1/8 of each preset's local memory" : "size small"}). Modelled figures; see docs/REPRODUCTION.md.`, "",
    summaryTable(rows), "",
    ...(failed.length ? ["Not reproduced in this run:", "", ...failed.map((f) => `- ${f}`), ""] : []),
  ].join("\n");
}

function startProgress(stream: NodeJS.WriteStream, total: number) {
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar({
      format: "{bar} {value}/{total} runs | ETA {eta_formatted} | {last}", stream, hideCursor: true,
    }, cliProgress.Presets.shades_classic);
    bar.start(total, 0, { last: "" });
    return { tick: (last: string) => bar.increment(1, { last }), stop: () => bar.stop() };
  }
  let n = 0;
  const t0 = performance.now();
  return {
    tick(last: string) {
      n++;
      const elapsed = (performance.now() - t0) / 1000;
      const eta = (elapsed / n) * (total - n);
      stream.write(`[${n}/${total}] ${last} (${elapsed.toFixed(0)} s, about ${eta.toFixed(0)} s left)\n`);
    },
    stop() {},
  };
}

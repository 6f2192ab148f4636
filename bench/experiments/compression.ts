// Compressed pages (--compress, Anemone's future work, Linux's zswap): each workload's real
// compression ratio with lz4 and deflate, and what compression does to the modelled time of
// ram-disk and disk on anemone05, with 1/8 of the working set local. Deflate in JavaScript takes
// about 0.2 ms of real time a page, so --quick (size tiny) runs ram-disk alone with half of the
// working set local: a tenth of the page-outs.
import { COMPRESS_CHOICES } from "../../host/compression/index.ts";
import { WORKLOADS } from "../../workloads/index.ts";
import { pick, type Experiment, type Job, type JobResult } from "./experiment.ts";

const policiesOf = (quick: boolean) => (quick ? ["ram-disk"] : ["ram-disk", "disk"]);
const CODECS = COMPRESS_CHOICES.filter((c) => c !== "none");

/** The full run: size small, 1/8 of the working set local; --quick: size tiny, half of it. */
const sizeOf = (quick: boolean) => (quick ? "tiny" : "small");
const localShareOf = (quick: boolean) => (quick ? 1 / 2 : 1 / 8);

interface CompressionRow {
  workload: string;
  policy: string;
  codec: string;
  compressionRatio: number;
  /** Of the pages the codec was tried on, the fraction stored raw. */
  storedRawFraction: number;
  modelledSeconds: number;
  /** none's modelled time / this one's: above 1, compression made the run faster. */
  speedup: number;
  /** Modelled time over none's, and the modelled codec time (compressing and decompressing). */
  extraSeconds: number;
  codecSeconds: number;
  verified: boolean;
}

export const compression: Experiment = {
  name: "compression",
  title: "Compressed pages: compression ratio and modelled time with lz4 and deflate",
  source: "Anemone (2005), future work",
  jobs: (quick) => Object.values(WORKLOADS).flatMap((w) => policiesOf(quick).flatMap((policy) => COMPRESS_CHOICES.map((codec): Job => {
    const size = sizeOf(quick);
    return {
      key: { workload: w.name, policy, codec },
      options: {
        workload: w.name, policy, preset: "anemone05", size,
        localMem: `${Math.max(8192, Math.floor(w.workingSetBytes(w.sizes[size]) * localShareOf(quick)))}B`,
        ...(codec === "none" ? {} : { compress: codec }),
      },
    };
  }))),
  async derive(results, quick) {
    const rows: CompressionRow[] = [];
    for (const r of results) {
      const { workload, policy, codec } = r.key as { workload: string; policy: string; codec: string };
      if (codec === "none") continue;
      const none = pick(results, { workload, policy, codec: "none" }).figures;
      const c = compressionOf(r);
      rows.push({
        workload, policy, codec,
        compressionRatio: c.compressionRatio,
        storedRawFraction: c.pagesCompressed > 0 ? c.pagesStoredRaw / c.pagesCompressed : 0,
        modelledSeconds: r.figures.modelledSeconds,
        speedup: none.modelledSeconds / r.figures.modelledSeconds,
        extraSeconds: r.figures.modelledSeconds - none.modelledSeconds,
        codecSeconds: (c.compressMicros + c.decompressMicros) / 1e6,
        verified: r.figures.verified,
      });
    }
    return { rows, size: sizeOf(quick), localShare: localShareOf(quick) };
  },
  summary(results, derived) {
    const rows = derived.rows as CompressionRow[];
    const geomean = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    const of = (policy: string, codec: string) => rows.filter((r) => r.policy === policy && r.codec === codec);
    // Slower than none by more than the modelled cost of compressing and decompressing: what
    // falling back to raw pages must prevent.
    const overCost = rows.filter((r) => r.extraSeconds > r.codecSeconds * (1 + 1e-9));
    const mostRaw = rows.filter((r) => r.policy === "ram-disk").reduce((a, b) => (b.storedRawFraction > a.storedRawFraction ? b : a));
    return [
      ...CODECS.map((codec) => ({
        figure: `${codec}: compression ratio, geomean over the workloads (ram-disk)`, paper: "(future work: no figure)", paperValue: null,
        ours: geomean(of("ram-disk", codec).map((r) => r.compressionRatio)), unit: "x",
      })),
      ...CODECS.map((codec) => ({
        figure: `ram-disk: none / ${codec} modelled time, geomean`, paper: "(future work: no figure)", paperValue: null,
        ours: geomean(of("ram-disk", codec).map((r) => r.speedup)), unit: "x",
      })),
      {
        figure: `fewest compressible: ${mostRaw.workload} with ${mostRaw.codec}, pages stored raw`, paper: "raw when they do not compress", paperValue: null,
        ours: mostRaw.storedRawFraction * 100, unit: "%",
      },
      {
        figure: "runs slower than none by more than their modelled codec time", paper: "none (fall back to raw)", paperValue: null,
        ours: overCost.length, unit: "runs", oursText: overCost.length === 0 ? "none" : overCost.map((r) => `${r.workload} ${r.policy} ${r.codec}`).join(", "),
      },
      (() => {
        const verified = results.filter((r) => r.figures.verified).length;
        return { figure: "runs verified", paper: "all", paperValue: null, ours: verified, unit: "runs", oursText: `${verified} of ${results.length}` };
      })(),
    ];
  },
};

function compressionOf(r: JobResult): { compressionRatio: number; pagesCompressed: number; pagesStoredRaw: number; compressMicros: number; decompressMicros: number } {
  const c = r.figures.compression as ReturnType<typeof compressionOf> | null;
  if (c === null || c === undefined) throw new Error(`run ${JSON.stringify(r.key)} reports no compression`);
  return c;
}

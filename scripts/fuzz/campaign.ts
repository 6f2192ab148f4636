// A fuzzing campaign: module i of seed S is made from bytes and choices drawn from (S, i) alone, so
// any module of a campaign can be made again by itself (--start i --count 1).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RunOptions } from "../../host/config.ts";
import { differential, prng, type Outcome } from "./differential.ts";
import { GeneratorError, translateToFuzz } from "./ttf.ts";

/** What remora runs: MVP plus the extensions the instrumenter handles. */
const BASE_FEATURES = ["--mvp-features", "--enable-mutable-globals", "--enable-sign-ext", "--enable-nontrapping-float-to-int", "--enable-bulk-memory-opt", "--enable-multivalue"];
/** Added one at a time to some modules: what remora also handles (SIMD's v128.load/store, tail
 *  calls, exceptions, references), or refuses by name (full bulk memory's memory.init, threads'
 *  atomics and shared memory, multi-memory, memory64): refusals are counted, not differences. */
const EXTRA_FEATURES = [["--enable-simd"], ["--enable-tail-call"], ["--enable-exception-handling", "--enable-reference-types"],
  ["--enable-reference-types"], ["--enable-bulk-memory"], ["--enable-threads"], ["--enable-multimemory"], ["--enable-memory64"]];

export interface FuzzCase {
  index: number;
  input: Uint8Array;
  features: string[];
  passes: boolean;
  options: Omit<RunOptions, "workload">;
  argSeed: number;
}

const POLICIES = ["disk", "ram-disk", "counters", "remote-main", "software-counters"];
const PAGE_SIZES = [1024, 4096, 65536];
const REPLACEMENTS = ["lru", "clock", "random"] as const;

/** Module `index` of campaign `seed`: its random input (1-12 KiB, which sets the module's size),
 *  its features and its configuration (policy, page size and replacement rotating, 2-4 frames). */
export function caseFor(seed: number, index: number): FuzzCase {
  const random = prng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
  const input = new Uint8Array(1024 + Math.floor(random() * 11 * 1024));
  for (let i = 0; i < input.length; i++) input[i] = Math.floor(random() * 256);
  const features = [...BASE_FEATURES];
  if (random() < 0.3) features.push(...EXTRA_FEATURES[Math.floor(random() * EXTRA_FEATURES.length)]);
  const policy = POLICIES[index % POLICIES.length];
  const options: Omit<RunOptions, "workload"> = {
    policy,
    pageSize: PAGE_SIZES[Math.floor(index / POLICIES.length) % PAGE_SIZES.length],
    replacement: REPLACEMENTS[Math.floor(index / (POLICIES.length * PAGE_SIZES.length)) % REPLACEMENTS.length],
    localPages: 2 + Math.floor(random() * 3),
    seed: Math.floor(random() * 1000),
  };
  // Counters that run out fast, so that pages migrate; prefetching now and then when paging.
  if (policy === "counters" || policy === "software-counters") options.counter = 1 + Math.floor(random() * 8);
  if ((policy === "disk" || policy === "ram-disk") && random() < 0.25) options.prefetch = "readahead:2";
  return { index, input, features, passes: random() < 0.5, options, argSeed: Math.floor(random() * 2 ** 32) };
}

export interface Counts {
  modules: number;
  refused: number;
  skipped: number;
  run: number;
  functions: number;
  calls: number;
  accesses: number;
  differences: number;
}

export interface Difference { index: number; what: string; options: FuzzCase["options"]; argSeed: number; file?: string }

/** Makes and checks modules start..start+count-1 of campaign `seed`; a module that differs is
 *  written to `keep` (when given) with its configuration. */
export async function campaign({ seed, start = 0, count, keep, onModule }: {
  seed: number; start?: number; count: number; keep?: string;
  onModule?: (c: FuzzCase, outcome: Outcome, counts: Counts) => void;
}): Promise<{ counts: Counts; differences: Difference[]; refusals: Map<string, number>; skips: Map<string, number> }> {
  const counts: Counts = { modules: 0, refused: 0, skipped: 0, run: 0, functions: 0, calls: 0, accesses: 0, differences: 0 };
  const differences: Difference[] = [];
  const refusals = new Map<string, number>();
  const skips = new Map<string, number>();
  const tally = (m: Map<string, number>, reason: string) => {
    const key = reason.replace(/ in function .*$/, "").replace(/\d+/g, "N");
    m.set(key, (m.get(key) ?? 0) + 1);
  };
  for (let index = start; index < start + count; index++) {
    const c = caseFor(seed, index);
    let bytes: Uint8Array;
    let outcome: Outcome;
    try {
      bytes = await translateToFuzz(c.input, c.features, c.passes);
      outcome = await differential(bytes, c.options, c.argSeed);
    } catch (e) {
      if (!(e instanceof GeneratorError)) throw e;
      bytes = new Uint8Array();
      outcome = { kind: "skipped", reason: `wasm-opt -ttf failed: ${e.message.slice(0, 80)}` };
    }
    counts.modules++;
    switch (outcome.kind) {
      case "refused": counts.refused++; tally(refusals, outcome.reason); break;
      case "skipped": counts.skipped++; tally(skips, outcome.reason); break;
      case "same":
        counts.run++;
        counts.functions += outcome.functions;
        counts.calls += outcome.calls;
        counts.accesses += outcome.accesses;
        break;
      case "difference": {
        counts.run++;
        counts.differences++;
        counts.calls += outcome.calls;
        counts.accesses += outcome.accesses;
        const d: Difference = { index, what: outcome.what, options: c.options, argSeed: c.argSeed };
        if (keep !== undefined) {
          mkdirSync(keep, { recursive: true });
          d.file = join(keep, `seed${seed}-${index}.wasm`);
          writeFileSync(d.file, bytes);
          writeFileSync(d.file.replace(/\.wasm$/, ".json"), `${JSON.stringify(d, null, 1)}\n`);
        }
        differences.push(d);
        break;
      }
    }
    onModule?.(c, outcome, counts);
  }
  return { counts, differences, refusals, skips };
}

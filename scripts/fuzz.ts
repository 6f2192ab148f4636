// Differential fuzzing of the instrumenter (`npm run fuzz -- --count N --seed S`): random valid
// modules from binaryen's translate-to-fuzz (memory operations, loops, calls, traps), each run
// natively and instrumented under a small local memory, the policy, page size and replacement
// rotating from module to module; their calls' results and traps, logged values, exported globals
// and final memory must be the same (scripts/fuzz/differential.ts). Prints the counts; a module
// that differs is kept with --keep DIR (its bytes and its configuration; with --reduce also a
// reduced module that still differs, as .reduced.wasm and .reduced.wat). Exits 1 when any module
// differed.
import { writeFileSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import binaryen from "../host/instrument/binaryen.ts";
import { campaign } from "./fuzz/campaign.ts";
import { differential } from "./fuzz/differential.ts";
import { reduce } from "./fuzz/reduce.ts";

const integer = (what: string, min: number) => (text: string): number => {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) throw new InvalidArgumentError(`${what} must be an integer of at least ${min}, not "${text}"`);
  return n;
};

const program = new Command("fuzz")
  .description("differential fuzzing of the instrumenter: native against instrumented runs of random modules")
  .option("--count <n>", "modules to make and check", integer("--count", 1), 100)
  .option("--seed <s>", "the campaign's seed: module i of seed s is always the same", integer("--seed", 0), 1)
  .option("--start <i>", "the first module's index (to re-run one module: --start i --count 1)", integer("--start", 0), 0)
  .option("--keep <dir>", "write each module that differs here, with its configuration")
  .option("--reduce", "with --keep, also write a reduced copy of each (minutes a module)")
  .option("--quiet", "no progress line")
  .showHelpAfterError(false)
  .configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, "fuzz: ")) })
  .parse();
const o = program.opts<{ count: number; seed: number; start: number; keep?: string; reduce?: boolean; quiet?: boolean }>();

const t0 = performance.now();
const { counts, differences, refusals, skips } = await campaign({
  seed: o.seed, start: o.start, count: o.count, keep: o.keep,
  onModule: (c, outcome, n) => {
    if (outcome.kind === "difference") process.stderr.write(`\nmodule ${c.index} differs (${JSON.stringify(c.options)}): ${outcome.what.split("\n")[0]}\n`);
    else if (!o.quiet && (n.modules % 100 === 0 || n.modules === o.count)) {
      // Whole counts on each line: a campaign stopped early still says what it ran.
      process.stderr.write(`${n.modules}/${o.count} modules: ${n.refused} refused, ${n.skipped} skipped, ${n.run} run, ${n.functions} functions, ${n.calls} calls, ${n.accesses} accesses, ${n.differences} differences, ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
    }
  },
});
if (!o.quiet) process.stderr.write("\n");
const seconds = (performance.now() - t0) / 1000;
console.log(`seed ${o.seed}, modules ${o.start}..${o.start + o.count - 1}: ${counts.modules} generated, ${counts.refused} refused, ${counts.skipped} skipped, ${counts.run} run`);
console.log(`${counts.functions} exported functions, ${counts.calls} calls, ${counts.accesses} accesses (instrumented), ${counts.differences} differences, ${seconds.toFixed(0)} s\n`);
const list = (what: string, m: Map<string, number>) => {
  for (const [reason, n] of [...m].sort((a, b) => b[1] - a[1])) console.log(`  ${what} ${n}: ${reason}`);
};
list("refused", refusals);
list("skipped", skips);
for (const d of differences) {
  console.log(`difference: module ${d.index} ${JSON.stringify(d.options)}: ${d.what.split("\n")[0]}`);
  if (d.file === undefined || !o.reduce) continue;
  const { readFileSync } = await import("node:fs");
  const kind = (what: string) => what.replace(/^(event|memory byte|exported globals|memory size) .*$/s, "$1").slice(0, 40);
  const differs = async (bytes: Uint8Array) => {
    const r = await differential(bytes, d.options, d.argSeed);
    return r.kind === "difference" && kind(r.what) === kind(d.what);
  };
  const reduced = await reduce(new Uint8Array(readFileSync(d.file)), differs, (line) => process.stderr.write(`  reducing: ${line}\n`));
  const out = d.file.replace(/\.wasm$/, ".reduced.wasm");
  writeFileSync(out, reduced);
  const m = binaryen.readBinary(reduced);
  writeFileSync(out.replace(/\.wasm$/, ".wat"), m.emitText());
  m.dispose();
  console.log(`  reduced to ${reduced.length} bytes: ${out}`);
}
process.exitCode = counts.differences > 0 ? 1 : 0;

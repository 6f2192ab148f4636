// A/B of instrumenter versions: `save TAG` writes each workload's instrumented module, as the
// current host/instrument/ makes it, to build/ab/TAG/; `cmp REPS TAG...` runs the saved
// versions interleaved with the native module (every page resident, size small) and prints the
// median slowdown of each (and the ratio of the fastest runs, steadier on a noisy machine), after checking each gives the native checksum and the same accesses.
// Usage (check out the old version, save, check out the new one, save, compare):
//   node --import ./host/register.mjs scripts/dev/ab-instrument.mts save before
//   node --import ./host/register.mjs scripts/dev/ab-instrument.mts cmp 7 before after [--workloads a,b] [--size medium]
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { resolveConfig } from "../../host/config.ts";
import { runInstrumented, runNative } from "../../host/engine.ts";
import type { Instrumented } from "../../host/instrument/index.ts";
import { prepare } from "../../host/modules.ts";
import { WORKLOADS } from "../../workloads/index.ts";
import { collectGarbage, median } from "../../bench/bench.ts";

const DIR = new URL("../../build/ab/", import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.indexOf("--workloads");
const names = only >= 0 ? args.splice(only, 2)[1].split(",") : Object.keys(WORKLOADS);
const sizeAt = args.indexOf("--size"); // longer runs (medium) are steadier for a small difference
const size = sizeAt >= 0 ? args.splice(sizeAt, 2)[1] : "small";
const configOf = (name: string) => resolveConfig({ workload: name, size, policy: "local" });

if (args[0] === "save" && args[1]) {
  mkdirSync(`${DIR}${args[1]}`, { recursive: true });
  for (const name of names) {
    const { binary, ...meta } = (await prepare(configOf(name))).instrumented;
    writeFileSync(`${DIR}${args[1]}/${name}.wasm`, binary);
    writeFileSync(`${DIR}${args[1]}/${name}.json`, JSON.stringify(meta));
  }
  console.log(`saved ${names.length} modules in ${DIR}${args[1]}`);
} else if (args[0] === "cmp" && Number(args[1]) >= 1 && args.length > 2) {
  const reps = Number(args[1]);
  const tags = args.slice(2);
  const logs = tags.map(() => [] as number[]);
  for (const name of names) {
    const config = configOf(name);
    const prepared = await prepare(config);
    const versions = tags.map((tag) => {
      const binary = new Uint8Array(readFileSync(`${DIR}${tag}/${name}.wasm`));
      const inst: Instrumented = { ...JSON.parse(readFileSync(`${DIR}${tag}/${name}.json`, "utf8")), binary };
      return { tag, inst, module: new WebAssembly.Module(binary) };
    });
    const native = runNative(prepared.native, config.n, config.seed);
    let accesses: number | undefined;
    for (let i = 0; i < 2; i++) runNative(prepared.native, config.n, config.seed); // warm-ups, as in bench
    for (const v of versions) { // also a warm-up
      const r = await runInstrumented(config, v.inst, v.module);
      if (r.checksum !== native.checksum) throw new Error(`${v.tag} ${name}: checksum ${r.checksum}, native ${native.checksum}`);
      if (accesses !== undefined && r.accesses !== accesses) throw new Error(`${v.tag} ${name}: ${r.accesses} accesses, not ${accesses}`);
      accesses = r.accesses;
    }
    const nativeTimes: number[] = [];
    const times = versions.map(() => [] as number[]);
    for (let i = 0; i < reps; i++) {
      collectGarbage();
      nativeTimes.push(runNative(prepared.native, config.n, config.seed).wallSeconds);
      for (const [j, v] of versions.entries()) {
        collectGarbage();
        times[j].push((await runInstrumented(config, v.inst, v.module)).wallSeconds);
      }
    }
    const n = median(nativeTimes);
    const best = Math.min(...nativeTimes);
    console.log(name.padEnd(9), `native ${n.toFixed(4)} s`, versions.map((v, j) => `${v.tag} ${(median(times[j]) / n).toFixed(2)} (best ${(Math.min(...times[j]) / best).toFixed(2)})`).join("  "));
    times.forEach((t, j) => logs[j].push(Math.log(median(t) / n)));
  }
  console.log("geomean  ", tags.map((tag, j) => `${tag} ${Math.exp(logs[j].reduce((a, b) => a + b, 0) / logs[j].length).toFixed(3)}`).join("  "));
} else {
  console.error("usage: ab-instrument.mts save TAG | cmp REPS TAG... [--workloads a,b] [--size S]");
  process.exitCode = 2;
}

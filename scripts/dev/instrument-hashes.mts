// Dev helper: a hash of instrument()'s output for every module at hand (the workloads, their WASI
// builds, the C fixtures) at three page sizes, with and without page runs: proof that a change
// to the instrumenter that should change nothing changed nothing.
// Usage: node --import ./host/register.mjs scripts/dev/instrument-hashes.mts save FILE | check FILE
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { instrument } from "../../host/instrument/index.ts";

const dirs = ["build/workloads", "build/wasi", "build/fixtures"];
const hashes: Record<string, string> = {};
for (const dir of dirs) {
  if (!existsSync(dir)) continue;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort()) {
    const bytes = new Uint8Array(readFileSync(join(dir, file)));
    for (const pageSize of [1024, 4096, 65536]) {
      for (const pageRuns of [true, false]) {
        const out = instrument(bytes, pageSize, { pageRuns });
        const { binary, dataSegments, ...counts } = out;
        hashes[`${dir}/${file} ${pageSize} ${pageRuns}`] = createHash("sha256").update(binary).digest("hex").slice(0, 16) + " " + JSON.stringify(counts);
      }
    }
  }
}
const [mode, file] = process.argv.slice(2);
if (mode === "save") {
  writeFileSync(file, JSON.stringify(hashes, null, 1));
  console.log(`${Object.keys(hashes).length} hashes saved to ${file}`);
} else {
  const saved = JSON.parse(readFileSync(file, "utf8")) as Record<string, string>;
  let differ = 0;
  for (const key of new Set([...Object.keys(saved), ...Object.keys(hashes)])) {
    if (saved[key] !== hashes[key]) { differ++; console.log(`differs: ${key}\n  saved ${saved[key]}\n  now   ${hashes[key]}`); }
  }
  console.log(differ ? `${differ} of ${Object.keys(hashes).length} differ` : `all ${Object.keys(hashes).length} identical`);
  process.exitCode = differ ? 1 : 0;
}

// Each workload run directly (run(n, seed)) and as its WASI build (build/wasi/<name>.wasm N SEED),
// under one policy: the checksum printed, accesses, modelled cycles and wall time side by side.
// Usage: node --import ./host/register.mjs scripts/dev/wasi-vs-direct.mts [policy] [size]
import { run } from "../../host/run.ts";
import { runCommand } from "../../host/wasi/command.ts";
import { formatTable } from "../../host/table.ts";
import { WORKLOADS } from "../../workloads/index.ts";

const policy = process.argv[2] ?? "local";
const size = (process.argv[3] ?? "small") as "tiny" | "small";
const rows: string[][] = [];
for (const w of Object.values(WORKLOADS)) {
  const n = w.sizes[size];
  const localMem = policy === "local" ? undefined : String(Math.floor(w.workingSetBytes(n) / 8));
  const direct = await run({ workload: w.name, size, policy, localMem });
  const wasi = await runCommand({ workload: new URL(`../../build/wasi/${w.name}.wasm`, import.meta.url).pathname, policy, localMem }, { args: [String(n), "1"] });
  rows.push([w.name, String(n), wasi.stdout.trim() === String(direct.checksum) ? "same" : "DIFFERENT",
    String(direct.accesses), String(wasi.accesses), String(direct.modelledCycles), String(wasi.modelledCycles),
    direct.wallSeconds.toFixed(3), wasi.wallSeconds.toFixed(3)]);
}
console.log(formatTable(["workload", "n", "checksum", "accesses direct", "accesses WASI", "modelled cycles direct", "WASI", "wall s direct", "WASI"], rows));
console.log(`policy ${policy}, size ${size}${policy === "local" ? "" : ", 1/8 of the working set local"}`);

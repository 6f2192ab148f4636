// Dev helper: avgAccessCycles of every policy on some workloads under markatos96 (size small).
import { run } from "../../host/run.ts";
const workloads = process.argv[2]?.split(",") ?? ["trans", "gauss", "sort", "mvec", "fft"];
const policies = process.argv[3]?.split(",") ?? ["disk", "ram-disk", "remote-main", "counters", "software-counters"];
const extra = process.argv[4] ? JSON.parse(process.argv[4]) : {};
for (const workload of workloads) {
  const row: string[] = [workload];
  for (const policy of policies) {
    const r = await run({ workload, size: "small", policy, preset: "markatos96", ...extra });
    row.push(`${policy}=${r.avgAccessCycles.toPrecision(4)}${r.verified ? "" : "!"}(${r.wallSeconds.toFixed(1)}s)`);
  }
  console.log(row.join("  "));
}

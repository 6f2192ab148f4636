import { run } from "../../host/run.ts";
const bws = process.argv[2].split(",");
const extra = process.argv[3] ? JSON.parse(process.argv[3]) : {};
for (const bw of bws) for (const workload of ["trans", "sort", "gauss", "mvec"]) {
  const row: string[] = [bw, workload];
  for (const [policy, counter] of [["ram-disk", 0], ["counters", 32], ["counters", 64], ["counters", 128], ["counters", 256], ["counters", 512], ["software-counters", 256]] as const) {
    const r = await run({ workload, size: "small", policy, preset: "markatos96", bandwidth: bw, ...(counter ? { counter } : {}), ...extra });
    row.push(`${policy === "counters" ? "c" + counter : policy}=${r.avgAccessCycles.toPrecision(4)}`);
  }
  console.log(row.join("  "));
}

// Dev helper: node --import tsx scripts/dev/check-workload.mts NAME [size...]
// Builds workloads/NAME, runs it natively, compares with the TypeScript reference, prints timing.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
const root = new URL("../..", import.meta.url).pathname.replace(/\/$/, "");
const name = process.argv[2];
const sizes = process.argv.length > 3 ? process.argv.slice(3) : ["tiny", "small"];
execFileSync("node", ["--import", "tsx", `${root}/scripts/build.ts`, name], { stdio: "inherit", cwd: root });
const mod = await import(`${root}/workloads/${name}/index.ts`);
const spec = Object.values(mod)[0] as any;
const bytes = readFileSync(`${root}/build/workloads/${name}.wasm`);
for (const size of sizes) {
  const n = spec.sizes[size];
  const { instance } = await WebAssembly.instantiate(bytes, { env: { abort: () => { throw new Error("abort"); } } });
  const t0 = performance.now();
  const got = (instance.exports.run as any)(n, 42) >>> 0;
  const t1 = performance.now();
  const mem = (instance.exports.memory as WebAssembly.Memory).buffer.byteLength;
  const t2 = performance.now();
  const want = spec.reference(n, 42) >>> 0;
  const t3 = performance.now();
  console.log(`${name} ${size} n=${n}: wasm=${got} ref=${want} ${got === want ? "OK" : "MISMATCH"} wasm ${(t1 - t0).toFixed(1)} ms, ref ${(t3 - t2).toFixed(1)} ms, memory ${(mem / 2 ** 20).toFixed(2)} MiB, workingSetBytes ${(spec.workingSetBytes(n) / 2 ** 20).toFixed(2)} MiB`);
}

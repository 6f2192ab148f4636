// Compiles the AssemblyScript sources: the MMU (assembly/) and every workload's program.ts.
// Run by `npm run build` and by npm's `prepare`, so a fresh `npm ci` leaves ./bin/remora usable.
import asc from "assemblyscript/asc";
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build");
mkdirSync(join(out, "workloads"), { recursive: true });

async function compile(entry: string, outFile: string, target: string): Promise<void> {
  const { error, stderr } = await asc.main(
    [entry, "--config", join(root, "asconfig.json"), "--target", target, "--outFile", outFile],
    {},
  );
  if (error) {
    process.stderr.write(stderr.toString());
    throw new Error(`asc failed on ${entry}: ${error.message}`);
  }
}

const only = process.argv.slice(2);
const jobs: Promise<void>[] = [];
if (only.length === 0 || only.includes("mmu")) {
  jobs.push(compile(join(root, "assembly/mmu.ts"), join(out, "mmu.wasm"), "mmu"));
}
for (const name of readdirSync(join(root, "workloads")).sort()) {
  const entry = join(root, "workloads", name, "program.ts");
  if (!existsSync(entry) || (only.length > 0 && !only.includes(name))) continue;
  jobs.push(compile(entry, join(out, "workloads", `${name}.wasm`), "workload"));
}
await Promise.all(jobs);
console.log(`built ${jobs.length} module(s) into build/`);

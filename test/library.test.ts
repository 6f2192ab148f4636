// remora as a library: a script in another folder installs the checkout with npm, imports "remora"
// (the compiled package in dist/, with its type declarations) and runs a workload under two
// policies, as the README's example does.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

test("a script in another folder installs the checkout, imports remora, and runs trans under disk and counters, verified", { timeout: 120_000 }, () => {
  assert.ok(existsSync(join(ROOT, "dist/host/index.js")), "dist/ is built by npm ci (npm run build)");
  assert.ok(existsSync(join(ROOT, "dist/host/index.d.ts")), "with type declarations");
  const dir = tempDir("library");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "uses-remora", private: true, type: "module" }));
  // A local folder installs as a link: nothing is fetched.
  const install = spawnSync("npm", ["install", ROOT, "--offline", "--no-audit", "--no-fund", "--ignore-scripts"], { cwd: dir, encoding: "utf8" });
  assert.equal(install.status, 0, install.stderr);
  writeFileSync(join(dir, "two-policies.mjs"), `
import { run, POLICIES, PRESETS } from "remora";
for (const policy of ["disk", "counters"]) {
  const r = await run({ workload: "trans", size: "tiny", policy, localPages: 64 });
  console.log(JSON.stringify({ policy: r.policy, verified: r.verified, pageFaults: r.pageFaults, avgAccessCycles: r.avgAccessCycles }));
}
console.log(JSON.stringify({ policies: Object.keys(POLICIES), presets: Object.keys(PRESETS) }));
`);
  const r = spawnSync(process.execPath, ["two-policies.mjs"], { cwd: dir, encoding: "utf8", env: { ...process.env, REMORA_CACHE: join(dir, "cache") } });
  assert.equal(r.status, 0, r.stderr);
  const [disk, counters, names] = r.stdout.trim().split("\n").map((line) => JSON.parse(line));
  assert.deepEqual([disk.policy, disk.verified, counters.policy, counters.verified], ["disk", true, "counters", true]);
  assert.ok(disk.pageFaults > counters.pageFaults, "counters keep hot pages local and fault less");
  assert.ok(names.policies.includes("software-counters") && names.presets.includes("markatos96"));
});

// `remora reproduce`: modelled figures that do not depend on how many jobs ran at once, complete
// result files, and one clear line for bad input.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { reproduce } from "../bench/reproduce.ts";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const quiet = { write: () => true, isTTY: false } as unknown as NodeJS.WriteStream;

/** Every run's modelled figures, by its coordinates. */
function modelled(dir: string, name: string): Record<string, unknown> {
  const json = JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
  return {
    runs: Object.fromEntries(json.runs.map((r: any) => [JSON.stringify(r.key), [r.figures.modelledCycles, r.figures.pageFaults, r.figures.faultLatencyMicros, r.faultHistogram]])),
    derived: json.derived,
  };
}

test("modelled figures are identical with one job and with two, and every result file is complete", async () => {
  const only = ["anemone-latency", "anemone-concurrent", "software"];
  const dirs = [1, 2].map((jobs) => ({ jobs, out: tempDir(`jobs${jobs}`) }));
  for (const { jobs, out } of dirs) {
    const { failed, summary } = await reproduce({ quick: true, only, jobs, out, progress: quiet });
    assert.deepEqual(failed, []);
    assert.ok(summary.length >= 8, `${summary.length} summary rows`);
  }
  for (const name of only) {
    assert.deepEqual(modelled(dirs[0].out, name), modelled(dirs[1].out, name), name);
    const json = JSON.parse(readFileSync(join(dirs[1].out, `${name}.json`), "utf8"));
    assert.equal(json.remoraVersion, JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
    assert.ok(json.runs.every((r: any) => r.figures.verified), `${name}: every run verified`);
    const csv = readFileSync(join(dirs[1].out, `${name}.csv`), "utf8").trim().split("\n");
    assert.equal(csv.length, json.runs.length + 1, `${name}.csv has a line per run`);
  }
  const summary = readFileSync(join(dirs[1].out, "summary.md"), "utf8");
  for (const figure of ["mean 4 KiB fault from the engine", "ray tracers", "SOFTWARE_COUNTERS / COUNTERS"]) {
    assert.ok(summary.includes(figure), `summary.md has "${figure}"`);
  }
  const concurrent = JSON.parse(readFileSync(join(dirs[0].out, "anemone-concurrent.json"), "utf8")).derived.rows;
  assert.ok(concurrent.length >= 3);
  for (let i = 1; i < concurrent.length; i++) {
    assert.ok(concurrent[i].speedup > concurrent[i - 1].speedup, `speedup grows with clients: ${JSON.stringify(concurrent)}`);
  }
});

/** Every path under dir, with each file's size: what a command created or changed there. */
const tree = (dir: string): string[] =>
  (readdirSync(dir, { recursive: true }) as string[]).map((p) => `${p} ${statSync(join(dir, p)).isFile() ? statSync(join(dir, p)).size : "dir"}`).sort();

// Each refusal is told to write to a folder under its own temporary DIR, which holds an empty folder
// "empty" and an empty file "file-not-folder": afterwards DIR holds exactly that, the folder it was
// told to write to made by no one (nor a file in it), the file untouched.
for (const [what, args, message] of [
  ["an unknown experiment", ["--only", "policies,fig9", "--out", "DIR/results"], /unknown experiment "fig9"/],
  ["--jobs 0", ["--jobs", "0", "--out", "DIR/empty"], /--jobs must be an integer from 1 to 64, not "0"/],
  ["an output folder that cannot be written", ["--out", "DIR/file-not-folder"], /cannot write to the output folder/],
  ["an output folder under a file", ["--out", "DIR/file-not-folder/results"], /cannot write to the output folder/],
] as const) {
  test(`reproduce refuses ${what} with one line and exit 2, creating nothing where it was told to write`, () => {
    const dir = tempDir("bad");
    writeFileSync(join(dir, "file-not-folder"), "");
    mkdirSync(join(dir, "empty"));
    try {
      const before = tree(dir);
      assert.deepEqual(before, ["empty dir", "file-not-folder 0"]);
      const r = spawnSync(process.execPath, ["bin/remora", "reproduce", "--quick", ...args.map((a) => a.replace("DIR", dir))], { cwd: ROOT, encoding: "utf8" });
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.deepEqual(tree(dir), before, "nothing was created or changed in DIR");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test("docs/REPRODUCTION.md lists every preset's, link's and disk's assumptions as the code states them", async () => {
  const { assumptionsMarkdown } = await import("../scripts/assumptions.ts");
  const doc = readFileSync(join(ROOT, "docs/REPRODUCTION.md"), "utf8");
  assert.ok(doc.includes(assumptionsMarkdown()), "regenerate with: node --import ./host/register.mjs scripts/assumptions.ts");
});

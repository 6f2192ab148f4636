// The disk cache of instrumented modules: written on the first run, read by the next (which then
// gives the same figures), bypassed by --no-cache, and no error when it cannot be written. Beside
// it, in code/, binaryen split into its script and its wasm module (host/instrument/binaryen.ts),
// by the first child that instruments.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function remora(cache: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["bin/remora", "run", "trans", "--size", "tiny", "--local-pages", "64", "--json", ...args],
    { cwd: ROOT, encoding: "utf8", env: { ...process.env, REMORA_CACHE: cache } });
  assert.equal(r.status, 0, r.stderr);
  const { wallSeconds: _w, nativeWallSeconds: _n, ...figures } = JSON.parse(r.stdout);
  return figures;
}

test("a module is instrumented into the cache once, and a run from the cache gives the same figures", { timeout: 120_000 }, () => {
  const cache = tempDir("cache");
  const first = remora(cache);
  assert.match(readdirSync(join(cache, "code")).sort().join(), /^binaryen-([\d.]+)\.js,binaryen-\1\.wasm$/, "binaryen is saved split");
  const modules = () => readdirSync(cache).filter((f) => f !== "code").sort();
  const files = modules();
  assert.equal(files.length, 2, `one module, as .wasm and .json: ${files}`);
  assert.match(files[0], /^[0-9a-f]{32}-4096-[0-9a-f]{16}\.json$/);
  assert.deepEqual(remora(cache), first);
  assert.deepEqual(modules(), files, "the second run wrote nothing new");
  remora(cache, "--page-size", "8KiB");
  assert.equal(modules().length, 4, "another page size is another entry");
});

test("--no-cache neither reads nor writes the cache, and a cache that cannot be written is no error", { timeout: 120_000 }, () => {
  const cache = tempDir("cache");
  remora(cache, "--no-cache");
  assert.deepEqual(readdirSync(cache).filter((f) => f !== "code"), [], "no instrumented module");
  const file = join(cache, "not-a-folder");
  writeFileSync(file, "");
  assert.equal(remora(file).verified, true);
});

test("a damaged split of binaryen in code/ is replaced, and the run goes on", { timeout: 120_000 }, () => {
  const cache = tempDir("cache");
  remora(cache, "--no-cache");
  const code = join(cache, "code");
  const wasm = readdirSync(code).find((f) => f.endsWith(".wasm"))!;
  const whole = readFileSync(join(code, wasm));
  writeFileSync(join(code, wasm), whole.subarray(0, whole.length >> 1)); // cut short
  assert.equal(remora(cache, "--no-cache").verified, true);
  assert.equal(readdirSync(code).length, 0, "the damaged pair is removed");
  remora(cache, "--no-cache");
  assert.deepEqual(readFileSync(join(code, wasm)), whole, "and split again at the next start");
});

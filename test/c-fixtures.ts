// The C programs under test/fixtures/, built with clang for wasm32-wasi into build/fixtures/, and
// whether that toolchain is here at all.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");
const OUT = join(ROOT, "build/fixtures");
const CLANG = ["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-Wall", "-Werror"];

/** Why the C fixtures cannot be built here, or false. .ci/run installs the toolchain and sets
 *  REMORA_REQUIRE_TOOLCHAINS, so there a missing toolchain fails instead of skipping. */
export const noToolchain: string | false = (() => {
  const dir = mkdtempSync(join(tmpdir(), "remora-clang-"));
  try {
    const probe = spawnSync("clang", [...CLANG, "-x", "c", "-", "-o", join(dir, "probe.wasm")], { input: "int main(void) { return 0; }\n" });
    if (probe.status === 0) return false;
    const why = `clang cannot build wasm32-wasi programs here (apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32): ${probe.error?.message ?? probe.stderr?.toString().trim().split("\n")[0]}`;
    if (process.env.REMORA_REQUIRE_TOOLCHAINS) throw new Error(why);
    return why;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
})();

/** test/fixtures/NAME.c built into build/fixtures/NAME.wasm (again when the source is newer),
 *  with clang's `flags` added. */
export function cFixture(name: string, flags: string[] = []): string {
  const source = join(FIXTURES, `${name}.c`);
  const wasm = join(OUT, `${name}.wasm`);
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < statSync(source).mtimeMs) {
    mkdirSync(OUT, { recursive: true });
    const r = spawnSync("clang", [...CLANG, ...flags, source, "-o", wasm], { encoding: "utf8" });
    assert.equal(r.status, 0, `clang failed on ${name}.c:\n${r.stderr}`);
  }
  return wasm;
}

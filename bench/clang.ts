// C programs built with clang for wasm32-wasi (Debian: clang, lld, wasi-libc): the flags, whether
// that toolchain works here, and a build that runs again only when the source is newer. Used by
// `remora bench --wasi` (bench/c/) and by the tests' C fixtures (test/c-fixtures.ts).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";

export const CLANG_FLAGS = ["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-Wall", "-Werror"];

/** Why clang cannot build wasm32-wasi programs here (one line, with the packages to install), or
 *  false when it can: a probe builds an empty program. */
export function clangProblem(): string | false {
  const dir = mkdtempSync(join(tmpdir(), "remora-clang-"));
  try {
    const probe = spawnSync("clang", [...CLANG_FLAGS, "-x", "c", "-", "-o", join(dir, "probe.wasm")], { input: "int main(void) { return 0; }\n" });
    if (probe.status === 0) return false;
    return `clang cannot build wasm32-wasi programs here (apt-get install -y clang lld wasi-libc libclang-rt-14-dev-wasm32): ${probe.error?.message ?? probe.stderr?.toString().trim().split("\n")[0]}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Whether `wasm` is missing or older than `source`. */
export function isStale(source: string, wasm: string): boolean {
  return !existsSync(wasm) || statSync(wasm).mtimeMs < statSync(source).mtimeMs;
}

/** Builds `source` into `wasm` with clang's `flags` added, when `wasm` is stale. The file appears
 *  whole or not at all (another process may be building it too). Throws clang's messages. */
export function buildC(source: string, wasm: string, flags: string[] = []): string {
  if (!isStale(source, wasm)) return wasm;
  mkdirSync(dirname(wasm), { recursive: true });
  const tmp = `${wasm}.${process.pid}.tmp`;
  const r = spawnSync("clang", [...CLANG_FLAGS, ...flags, source, "-o", tmp], { encoding: "utf8" });
  if (r.status !== 0) {
    rmSync(tmp, { force: true });
    throw new Error(`clang failed on ${basename(source)}:\n${r.error?.message ?? r.stderr}`);
  }
  renameSync(tmp, wasm);
  return wasm;
}

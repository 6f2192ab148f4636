// The C programs under test/fixtures/, built with clang for wasm32-wasi into build/fixtures/, and
// whether that toolchain is here at all (bench/clang.ts builds them).
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildC, clangProblem } from "../bench/clang.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES = join(ROOT, "test/fixtures");
const OUT = join(ROOT, "build/fixtures");

/** Why the C fixtures cannot be built here, or false. .ci/run installs the toolchain and sets
 *  REMORA_REQUIRE_TOOLCHAINS, so there a missing toolchain fails instead of skipping. */
export const noToolchain: string | false = (() => {
  const why = clangProblem();
  if (why && process.env.REMORA_REQUIRE_TOOLCHAINS) throw new Error(why);
  return why;
})();

/** test/fixtures/NAME.c built into build/fixtures/NAME.wasm (again when the source is newer),
 *  with clang's `flags` added. */
export function cFixture(name: string, flags: string[] = []): string {
  return buildC(join(FIXTURES, `${name}.c`), join(OUT, `${name}.wasm`), flags);
}

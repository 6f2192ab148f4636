// Test modules written in WAT: assembled by binaryen into a .wasm file named after its content
// (prepare() keeps one module per path for the process, so two different modules must never share
// a name), in a temporary folder removed when the process exits.
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import binaryen from "../host/instrument/binaryen.ts";

let dir: string | undefined;

/** The bytes of a WAT module, every feature on but the import encoding Node 20 rejects; with
 *  `names`, the name section too (so that a refusal can name `$touch`, not "function 0"). */
export function watBytes(wat: string, { names = false } = {}): Uint8Array {
  const m = binaryen.parseText(wat);
  const debugInfo = binaryen.getDebugInfo();
  try {
    m.setFeatures(binaryen.Features.All & ~((binaryen.Features as unknown as Record<string, number>).CompactImports ?? 0));
    binaryen.setDebugInfo(names);
    return m.emitBinary();
  } finally {
    binaryen.setDebugInfo(debugInfo);
    m.dispose();
  }
}

/** Writes a WAT module as NAME-HASH.wasm and returns its path. */
export function watFile(name: string, wat: string): string {
  if (dir === undefined) {
    const made = mkdtempSync(join(tmpdir(), "remora-wat-"));
    dir = made;
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  const bytes = watBytes(wat);
  const path = join(dir, `${name}-${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}.wasm`);
  writeFileSync(path, bytes);
  return path;
}

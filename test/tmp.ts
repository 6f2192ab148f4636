// Temporary folders for the tests, removed when the test file's process exits (`node --test` runs
// each file in a process of its own), so that `npm test` leaves nothing behind in the system's
// temporary folder: each run had left about 50 MB there (module caches, reproduce's outputs).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const made: string[] = [];
process.once("exit", () => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** A new empty folder `remora-<prefix>-XXXXXX` in the system's temporary folder. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `remora-${prefix}-`));
  made.push(dir);
  return dir;
}

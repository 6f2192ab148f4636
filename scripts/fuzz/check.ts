// Checks one module as the fuzzer does: `node --import ./host/register.mjs scripts/fuzz/check.ts
// FILE.wasm CASE.json` (CASE.json: what --keep wrote beside it, its options and argSeed). Prints the
// outcome in one line; exits 1 when the runs differ (the test command wasm-reduce keeps reducing
// while it fails the same way), 0 otherwise.
import { readFileSync } from "node:fs";
import { differential } from "./differential.ts";

const [file, caseFile] = process.argv.slice(2);
if (!file || !caseFile) {
  process.stderr.write("usage: check.ts FILE.wasm CASE.json\n");
  process.exit(2);
}
const c = JSON.parse(readFileSync(caseFile, "utf8"));
const outcome = await differential(new Uint8Array(readFileSync(file)), c.options, c.argSeed);
// The kind of a difference, not its detail, so that wasm-reduce keeps every smaller module that
// still differs (its addresses and events change as it shrinks).
process.stdout.write(`${outcome.kind}${outcome.kind === "difference" ? `: ${outcome.what.replace(/^(event|memory byte) [^:]*:.*$/, "$1").slice(0, 60)}` : ""}\n`);
process.exitCode = outcome.kind === "difference" ? 1 : 0;

// Dev helper: how long instrument() takes on a module, and the sizes before and after.
// Usage: node --import ./host/register.mjs scripts/dev/time-instrument.mts FILE.wasm [PAGE_SIZE]
import { readFileSync } from "node:fs";
import { instrument } from "../../host/instrument/index.ts";

const bytes = new Uint8Array(readFileSync(process.argv[2]));
const t0 = performance.now();
const inst = instrument(bytes, Number(process.argv[3] ?? 4096));
console.log({ instrumentMillis: Math.round(performance.now() - t0), inBytes: bytes.length, outBytes: inst.binary.length, pageRuns: inst.pageRuns, regions: inst.regions });

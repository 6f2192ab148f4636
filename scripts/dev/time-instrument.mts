// Dev helper: where instrument() spends its time on a module (binaryen optimize, emit, the rest).
// Usage: node --import ./host/register.mjs scripts/dev/time-instrument.mts FILE.wasm
import { readFileSync } from "node:fs";
import binaryen from "binaryen";
import { instrument } from "../../host/instrument.ts";
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const proto = (binaryen as any).Module.prototype;
const times: Record<string, number> = {};
for (const name of ["optimize", "emitBinary", "validate", "runPasses"]) {
  const orig = proto[name];
  if (!orig) continue;
  proto[name] = function (...a: unknown[]) { const t = performance.now(); try { return orig.apply(this, a); } finally { times[name] = (times[name] ?? 0) + performance.now() - t; } };
}
const t0 = performance.now();
const inst = instrument(bytes, 4096);
const total = performance.now() - t0;
console.log({ total: total.toFixed(0), ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.toFixed(0)])), inSize: bytes.length, outSize: inst.binary.length });

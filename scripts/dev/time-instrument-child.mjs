// Dev helper: the instrumenting child's costs (host/instrument/child.ts), from the compiled code in
// dist/ as the child runs it: loading the instrumenter and binaryen, then instrument() twice on
// one module (the second call shows what V8 compiling binaryen and the instrumenter cost the first).
// Usage: REMORA_INSTRUMENTER=1 node --liftoff-only scripts/dev/time-instrument-child.mjs FILE.wasm [PAGE_SIZE] [--once]
import { readFileSync } from "node:fs";

const t0 = performance.now();
const { instrument } = await import("../../dist/host/instrument/index.js");
const t1 = performance.now();
const bytes = new Uint8Array(readFileSync(process.argv[2]));
const pageSize = Number(process.argv[3] ?? 4096);
const once = process.argv.includes("--once"); // a large module: one call is enough
const first = instrument(bytes, pageSize);
const t2 = performance.now();
if (!once) instrument(bytes, pageSize);
const t3 = performance.now();
const ms = (t) => Math.round(t);
console.log({ startMillis: ms(t0), loadMillis: ms(t1 - t0), firstMillis: ms(t2 - t1), secondMillis: once ? null : ms(t3 - t2), inBytes: bytes.length, outBytes: first.binary.length });

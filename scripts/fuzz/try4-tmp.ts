import { readFileSync, writeFileSync } from "node:fs";
import binaryen from "binaryen";
import { reduce } from "./reduce.ts";
// old instrumenter from the base copy
const { instrument } = await import("/tmp/fz/base/host/instrument/index.ts");
const crashes = async (b: Uint8Array) => { try { instrument(b, 4096); return false; } catch (e) { return /unexpected access type/.test((e as Error).message); } };
const bytes = new Uint8Array(readFileSync("/tmp/fz/rt.wasm"));
console.log(await crashes(bytes));
const r = await reduce(bytes, crashes, console.log);
writeFileSync("/tmp/fz/unreach.wasm", r);
const m = binaryen.readBinary(r); m.setFeatures(binaryen.Features.All); console.log(m.emitText());

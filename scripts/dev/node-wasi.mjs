// Dev helper: runs a WASI command under Node's own node:wasi, whole process, for comparing start-up
// and run time with `remora run FILE.wasm` (bench/RESULTS.md, "Start-up"). Usage: node-wasi.mjs FILE.wasm [args...]
// As a user would run it, with V8's defaults: node:wasi's fast API calls can crash a program whose
// memory grows past 32 MiB (nodejs/node#46777; bench/wasi-bench.ts turns them off).
import { readFileSync } from "node:fs";
import { WASI } from "node:wasi";

process.removeAllListeners("warning"); // node:wasi's ExperimentalWarning
const [file, ...args] = process.argv.slice(2);
const wasi = new WASI({ version: "preview1", args: [file, ...args], env: {}, returnOnExit: true });
const instance = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), wasi.getImportObject());
process.exitCode = wasi.start(instance);

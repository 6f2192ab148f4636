// The import object of a plain node:wasi run (the reference a test compares remora's output with),
// each call through a JavaScript function rather than straight from wasm. Straight from wasm, V8
// takes node:wasi's "fast API" path, where a call that allocates (opening a file, reading a
// directory) can start a garbage collection that V8 does not allow there and corrupt the heap:
// nodejs/node#46777, #53087. test/wasi.test.ts crashed (SIGSEGV, in V8's property lookup) in 2 of
// 50 runs, both times in its first test, which makes such reference runs; once in CI. From
// JavaScript, node:wasi takes its ordinary path, as it does under remora (host/wasi/node.ts).
import type { WASI } from "node:wasi";

export function plainImports(wasi: WASI): WebAssembly.Imports {
  const calls = Object.entries(wasi.wasiImport as Record<string, (...a: unknown[]) => unknown>)
    .map(([name, call]) => [name, (...a: unknown[]) => call(...a)]);
  return { wasi_snapshot_preview1: Object.fromEntries(calls) };
}

// The branch hints the instrumenter writes straight into the binary: one "likely taken" hint for
// every fast-path `if` (its hit test, `i32.lt_u (i32.xor ...)`), each at an `if` instruction of
// the function it names. Counted here from the module's own text, independently of how they were
// placed.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import binaryen from "../host/instrument/binaryen.ts";
import { instrument } from "../host/instrument/index.ts";

/** The hints section: function index -> offsets from the start of its body. */
function hintsOf(binary: Uint8Array): Map<number, number[]> {
  const [section] = WebAssembly.Module.customSections(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>), "metadata.code.branch_hint");
  const hints = new Map<number, number[]>();
  if (!section) return hints;
  const b = new Uint8Array(section);
  let at = 0;
  const u32 = () => { let r = 0; for (let s = 0; ; s += 7) { const x = b[at++]; r += (x & 127) * 2 ** s; if (!(x & 128)) return r; } };
  for (let f = u32(); f > 0; f--) {
    const fn = u32();
    const offsets: number[] = [];
    for (let h = u32(); h > 0; h--) {
      offsets.push(u32());
      assert.equal(u32(), 1, "a hint is one byte");
      assert.equal(b[at++], 1, "likely taken");
    }
    hints.set(fn, offsets);
  }
  return hints;
}

/** Where each function's body starts in the binary (after its size), by function index. */
function bodies(binary: Uint8Array, imported: number): number[] {
  const u32 = (at: number): [number, number] => { let r = 0; for (let s = 0; ; s += 7) { const x = binary[at++]; r += (x & 127) * 2 ** s; if (!(x & 128)) return [r, at]; } };
  for (let at = 8; at < binary.length;) {
    const [size, content] = u32(at + 1);
    if (binary[at] === 10) {
      const out: number[] = new Array(imported).fill(-1);
      let [count, p] = u32(content);
      for (; count > 0; count--) {
        const [bodySize, body] = u32(p);
        out.push(body);
        p = body + bodySize;
      }
      return out;
    }
    at = content + size;
  }
  return [];
}

for (const workload of ["qsort", "eventsim"]) {
  test(`${workload}: every fast-path if of the instrumented module, and nothing else, is hinted likely taken`, () => {
    const { binary } = instrument(new Uint8Array(readFileSync(new URL(`../build/workloads/${workload}.wasm`, import.meta.url))), 4096);
    const module = binaryen.readBinary(binary);
    const text = module.emitText();
    const imported = Array.from({ length: module.getNumFunctions() }, (_, i) => binaryen.getFunctionInfo(module.getFunctionByIndex(i)))
      .filter((f) => f.module).length;
    module.dispose();
    const fastPaths = text.match(/\(if( \(result [a-z0-9]+\))?\n\s*\(i32\.lt_u\n\s*\(i32\.xor\n/g)?.length ?? 0;
    const hints = hintsOf(binary);
    const starts = bodies(binary, imported);
    let count = 0;
    for (const [fn, offsets] of hints) {
      for (const offset of offsets) {
        assert.equal(binary[starts[fn] + offset], 0x04, `function ${fn}, offset ${offset}: not an if`);
        count++;
      }
    }
    assert.ok(fastPaths > 10, `${fastPaths} fast paths`);
    assert.equal(count, fastPaths);
  });
}

// Shrinks a module that differs to a small one that still differs, greedily: exports dropped, then
// each expression (outermost first) replaced by the simplest of its type (nop, a zero constant,
// unreachable), keeping each change after which the module validates and still differs.
// binaryen's wasm-reduce does this too, but its JavaScript build (node_modules/.bin/wasm-reduce)
// cannot run a test command (it fails with "null function or function signature mismatch"), so
// this one runs in process with the same check the fuzzer makes.
import binaryen from "../../host/instrument/binaryen.ts";
import { FEATURES, LIST_CHILDREN, SCALAR_CHILDREN, classes, kindOf } from "../../host/instrument/ir.ts";

type Check = (bytes: Uint8Array) => Promise<boolean>;

function read(bytes: Uint8Array): binaryen.Module {
  const m = binaryen.readBinary(bytes);
  m.setFeatures(FEATURES);
  return m;
}

/** The simplest expression of e's type, or null when e is already that or the type has none. */
function simplest(m: binaryen.Module, e: binaryen.ExpressionRef): binaryen.ExpressionRef | null {
  const type = binaryen.getExpressionType(e);
  const kind = kindOf(e);
  if (kind === "Nop" || kind === "Unreachable" || kind === "Const") return null;
  switch (type) {
    case binaryen.none: return m.nop();
    case binaryen.unreachable: return m.unreachable();
    case binaryen.i32: return m.i32.const(0);
    case binaryen.i64: return m.i64.const(0n as unknown as number);
    case binaryen.f32: return m.f32.const(0);
    case binaryen.f64: return m.f64.const(0);
    default: return null;
  }
}

/** Replaces the expression numbered `target` (pre-order over every function body) with its
 *  simplest; false when there is no such expression or it has no simpler form. */
function replaceNth(m: binaryen.Module, target: number): boolean | "past" {
  let n = 0;
  let done: boolean | null = null;
  const walk = (e: binaryen.ExpressionRef, set: (r: binaryen.ExpressionRef) => void): void => {
    if (done !== null || e === 0) return;
    if (n++ === target) {
      const r = simplest(m, e);
      if (r !== null) set(r);
      done = r !== null;
      return;
    }
    const kind = kindOf(e);
    const cls = classes[kind];
    if (cls === undefined) return;
    for (const field of SCALAR_CHILDREN[kind] ?? []) {
      const child = cls[`get${field}`](e);
      if (child) walk(child, (r) => cls[`set${field}`](e, r));
    }
    const list = LIST_CHILDREN[kind];
    if (list) {
      for (let i = 0, count = cls[list[0]](e); i < count; i++) {
        walk(cls[`get${list[1]}`](e, i), (r) => cls[`set${list[1]}`](e, i, r));
      }
    }
  };
  for (let i = 0; i < m.getNumFunctions() && done === null; i++) {
    const fn = m.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(fn);
    if (info.module) continue;
    walk(info.body, (r) => classes.Function.setBody(fn, r));
  }
  return done ?? "past";
}

/** Tries `change` on a copy of `bytes`: the new bytes when the module still validates and differs. */
async function attempt(bytes: Uint8Array, change: (m: binaryen.Module) => boolean | "past", differs: Check): Promise<Uint8Array | null | "past"> {
  const m = read(bytes);
  try {
    const changed = change(m);
    if (changed !== true) return changed === "past" ? "past" : null;
    if (!m.validate()) return null;
    m.runPasses(["remove-unused-module-elements"]);
    const out = m.emitBinary();
    return (await differs(out)) ? out : null;
  } finally {
    m.dispose();
  }
}

export async function reduce(bytes: Uint8Array, differs: Check, log: (line: string) => void = () => {}): Promise<Uint8Array> {
  let best = bytes;
  // Exports, last first.
  for (let i = read(best).getNumExports() - 1; i >= 0; i--) {
    const r = await attempt(best, (m) => {
      const exp = binaryen.getExportInfo(m.getExportByIndex(i));
      if (exp.kind !== binaryen.ExternalFunction) return false;
      m.removeExport(exp.name);
      return true;
    }, differs);
    if (r instanceof Uint8Array) best = r;
  }
  log(`exports: ${best.length} bytes`);
  // Expressions, outermost first; after a success the same number names the next expression.
  for (let round = 0; round < 3; round++) {
    const before = best.length;
    for (let target = 0; ; target++) {
      const r = await attempt(best, (m) => replaceNth(m, target), differs);
      if (r === "past") break;
      if (r instanceof Uint8Array) {
        best = r;
        target--;
      }
    }
    log(`round ${round}: ${best.length} bytes`);
    if (best.length === before) break;
  }
  return best;
}

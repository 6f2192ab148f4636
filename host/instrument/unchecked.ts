// The unchecked copy that page runs (page-runs.ts) and regions (regions.ts) run when one test has
// shown that every access of a stretch of code hits: each access made at a known physical address,
// with no test and no clock, and afterwards each TLB entry's stamp written as the checked accesses
// would have left it.
//
// Before (a copy of the statements, made before instrumenting):   After (P: a local holding the
//                                                                 physical address of the access):
//   (f64.store offset=8 (local.get $p) (f64.load (local.get $q)))   (f64.store (local.get $P1) (f64.load (local.get $P2)))
import binaryen from "./binaryen.ts";
import type { Rewriter } from "./context.ts";
import { accessOf, classes, kindOf, ptrOf, SCALAR_CHILDREN, setsAnything, storeValueOf } from "./ir.ts";

const { i32, i64 } = binaryen;

/** Rewrites copied statements (made before instrumenting; only scalar children, as page runs and
 *  regions admit) so that each of `accesses` (in them, in evaluation order) is made directly, with
 *  no test and no clock, at a known physical address (a local) plus a constant. */
export function uncheckedCopy(rw: Rewriter, accesses: binaryen.ExpressionRef[], siteOf: (k: number) => { phys: number; offset: number }) {
  const { module, lget } = rw;
  const index = new Map(accesses.map((a, k) => [a, k]));
  const uncheck = (e: binaryen.ExpressionRef): binaryen.ExpressionRef => {
    if (!e) return e;
    const kind = kindOf(e);
    const cls = classes[kind];
    for (const field of SCALAR_CHILDREN[kind] ?? []) {
      const child = cls[`get${field}`](e);
      if (child) {
        const replaced = uncheck(child);
        if (replaced !== child) cls[`set${field}`](e, replaced);
      }
    }
    const k = index.get(e);
    if (k === undefined) return e;
    const site = siteOf(k);
    const a = accessOf(e);
    const ptr = ptrOf(e);
    // The pointer is still evaluated for what it sets (a local.tee), else not at all.
    const stmts = setsAnything(ptr) ? [module.drop(ptr)] : [];
    const phys = lget(site.phys, i32), offset = site.offset;
    if (a.kind === "ld") return stmts.length ? module.block(null, [...stmts, rw.physLoad(a, phys, offset)], a.type) : rw.physLoad(a, phys, offset);
    if (!stmts.length) return rw.physStore(a, phys, storeValueOf(e), offset);
    const value = rw.addVar(a.type);
    return module.block(null, [...stmts, module.local.set(value, storeValueOf(e)), rw.physStore(a, phys, lget(value, a.type), offset)]);
  };
  return uncheck;
}

/** After an unchecked stretch whose m accesses end now: each entry's stamp, the clock at its
 *  last access k there, is the clock now less the m - 1 - k accesses after it. */
export const stampsAfter = (rw: Rewriter, lastUse: Map<number, number>, m: number) => [...lastUse].map(([entry, k]) =>
  rw.module.i64.store(8, 8, rw.c32(entry), rw.module.i64.sub(rw.lget(rw.fn.clk, i64), rw.module.i64.const(BigInt(m - 1 - k) as unknown as number))));

// Straight regions: a run of statements checked once, not once per access.
//
// Consecutive statements of a block with no call and no control flow, whose accesses' addresses
// are known when the run starts (each a pure function of the locals and globals then, tracked
// through the run's sets), and fewer TLB entries than accesses (record fields: one entry serves
// several). At the start, one test per entry and base address: does the span of its accesses
// lie in the page the entry maps? An entry that says no is refilled there, as its first access
// would have refilled it, if its page is resident. Then every access would hit, so an unchecked
// copy runs: each access at the span's physical address plus a constant; the clock, the store
// count and the entries' stamps advance once, as the checked accesses would have left them.
// Otherwise the checked statements run as they are. Nothing in the run can reach the MMU, so
// no entry changes under it. Only in loops, or in functions with no loop: elsewhere the run is
// done once per call, and its copy costs more to compile than it saves.
//
// Before:                                   After (E: the entry both fields share, L: the span's
//                                           virtual base, P: its physical base):
//   (local.set $x (f64.load (local.get $p)))  (local.set $L (local.get $p))
//   (local.set $y (f64.load offset=8          (block $end
//                   (local.get $p)))            (block $checked
//                                                 (if (i32.ge_u (i32.xor (i32.load (i32.const E)) (local.get $L))
//                                                               (i32.const 4081))   ;; page - 16 + 1: a miss
//                                                   (then the refill walk, or (br $checked)))
//                                                 (local.set $P (i32.add (local.get $L) (i32.load (i32.const E+4))))
//                                                 (local.set $x (f64.load (local.get $P)))
//                                                 (local.set $y (f64.load offset=8 (local.get $P)))
//                                                 the clock advanced by 2, the entry's stamp written
//                                                 (br $end))
//                                               the two checked statements, as they were)
import binaryen from "./binaryen.ts";
import { TLB_WBASE_OFFSET } from "../layout.ts";
import type { Rewriter } from "./context.ts";
import { refillWalk } from "./fast-path.ts";
import { accessesIn, accessOf, affine, childrenOf, classes, kindOf, PREFIX } from "./ir.ts";
import { stampsAfter, uncheckedCopy } from "./unchecked.ts";

const { i32, i64, none } = binaryen;

export interface Region {
  start: number;
  end: number;
  /** The original accesses, in evaluation order, and each one's address when the run starts
   *  (an expression of the locals then, before the access's constant offset). */
  accesses: binaryen.ExpressionRef[];
  pointers: binaryen.ExpressionRef[];
  fastStatements: binaryen.ExpressionRef[];
  fastAccesses: binaryen.ExpressionRef[];
  sites: Map<binaryen.ExpressionRef, { entry: number; ea: number }>;
}
const STRAIGHT = new Set(["LocalSet", "LocalGet", "GlobalGet", "GlobalSet", "Const", "Binary", "Unary", "Select", "Load", "Store", "Drop", "Nop"]);
/** Ops an address may be made of, evaluated early at the start of the run: none can trap. */
const ADDRESS_OPS = new Set([binaryen.AddInt32, binaryen.SubInt32, binaryen.MulInt32, binaryen.ShlInt32, binaryen.ShrUInt32,
  binaryen.ShrSInt32, binaryen.AndInt32, binaryen.OrInt32, binaryen.XorInt32]);
const isStraight = (e: binaryen.ExpressionRef): boolean => STRAIGHT.has(kindOf(e)) && childrenOf(e).every(isStraight);

/** One statement, evaluated symbolically in evaluation order: `env` maps the locals it sets to
 *  their values as expressions of the locals and globals at the start of the run (null:
 *  unknown, e.g. a loaded value), and each global it sets ("$name") to null. Returns the
 *  statement's accesses with their pointers, or null if a pointer is unknown. */
function symbolic(rw: Rewriter, statement: binaryen.ExpressionRef, env: Map<number | string, binaryen.ExpressionRef | null>) {
  const { module } = rw;
  const accesses: binaryen.ExpressionRef[] = [];
  const pointers: binaryen.ExpressionRef[] = [];
  let known = true;
  const value = (e: binaryen.ExpressionRef): binaryen.ExpressionRef | null => {
    const kind = kindOf(e);
    const c = classes[kind];
    switch (kind) {
      case "Const": return module.copyExpression(e);
      case "LocalGet": {
        const local = c.getIndex(e);
        if (!env.has(local)) return module.copyExpression(e);
        const v = env.get(local);
        return v ? module.copyExpression(v) : null;
      }
      case "LocalSet": {
        const v = value(c.getValue(e));
        env.set(c.getIndex(e), v);
        return c.isTee(e) && v ? module.copyExpression(v) : null;
      }
      case "Binary": {
        const l = value(c.getLeft(e));
        const r = value(c.getRight(e));
        if (!l || !r || !ADDRESS_OPS.has(c.getOp(e))) return null;
        const copy = module.copyExpression(e);
        c.setLeft(copy, l);
        c.setRight(copy, r);
        return copy;
      }
      // A global read before the run sets it is the global at the start.
      case "GlobalGet": return env.has(`$${c.getName(e)}`) ? null : module.copyExpression(e);
      case "GlobalSet": value(c.getValue(e)); env.set(`$${c.getName(e)}`, null); return null;
      case "Load": case "Store": {
        const p = value(c.getPtr(e));
        if (kind === "Store") value(c.getValue(e));
        if (!p) known = false;
        accesses.push(e);
        pointers.push(p ?? 0);
        return null;
      }
      default:
        childrenOf(e).forEach(value);
        return null;
    }
  };
  value(statement);
  return known ? { accesses, pointers } : null;
}

/** Finds the regions of every block of the function outside page runs, innermost first. */
export function planRegions(rw: Rewriter, root: binaryen.ExpressionRef): void {
  if (!rw.usePageRuns) return;
  let depth = 0;
  const walk = (e: binaryen.ExpressionRef): void => {
    if (rw.fn.pageRuns.has(e)) return; // a page run has its own unchecked copy
    if (kindOf(e) === "Loop") depth++;
    childrenOf(e).forEach(walk);
    if (kindOf(e) === "Loop") depth--;
    if (kindOf(e) !== "Block") return;
    // Only where code repeats, as the inline refill (fast-path.ts): a region outside the loops of
    // a function that has some runs once per call, and its copy costs more to compile than it saves.
    if (depth === 0 && rw.fn.hasLoop) return;
    const children = childrenOf(e);
    const regions: Region[] = [];
    let env = new Map<number | string, binaryen.ExpressionRef | null>();
    let current: Region | null = null;
    const close = () => {
      if (current && current.accesses.length > 1) regions.push(current);
      current = null;
      env = new Map();
    };
    children.forEach((st, i) => {
      if (binaryen.getExpressionType(st) !== none || !isStraight(st)) return close();
      const trial = new Map(env);
      let found = current && symbolic(rw, st, trial);
      if (found) {
        env = trial; // keeping the locals it sets
      } else {
        close();
        found = symbolic(rw, st, env);
        if (!found) return close();
        current = { start: i, end: i, accesses: [], pointers: [], fastStatements: [], fastAccesses: [], sites: new Map() };
      }
      current!.end = i + 1;
      current!.accesses.push(...found.accesses);
      current!.pointers.push(...found.pointers);
    });
    close();
    for (const region of regions) {
      region.fastStatements = children.slice(region.start, region.end).map((st) => rw.module.copyExpression(st));
      region.fastAccesses = accessesIn(region.fastStatements);
      for (const access of region.accesses) rw.fn.regionOf.set(access, region);
    }
    if (regions.length) rw.fn.regionsOf.set(e, regions);
  };
  walk(root);
}

/** The block (its children already instrumented) with each of its regions that pays (fewer
 *  entries than accesses) made a choice between the unchecked copy and the checked statements. */
export function regionBlock(rw: Rewriter, block: binaryen.ExpressionRef, regions: Region[]): binaryen.ExpressionRef {
  const { module, c32, lget, addVar, pageSize } = rw;
  const { clk, stc } = rw.fn;
  const children = childrenOf(block);
  const out: binaryen.ExpressionRef[] = [];
  let next = 0;
  for (const region of regions) {
    const sites = region.accesses.map((a) => region.sites.get(a)!);
    const entries = [...new Set(sites.map((site) => site.entry))];
    if (entries.length >= sites.length) continue;
    const setup: binaryen.ExpressionRef[] = [];
    const id = ++rw.labels.region;
    const checked = `${PREFIX}checked${id}`, end = `${PREFIX}end${id}`; // unique in the function
    // The accesses of one entry from one pointer (equal expressions of the locals at the start);
    // entryFor's sharing usually means one pointer per entry, but not always.
    // Pointers with equal terms (base + c, c a constant) count as one base, c more offset.
    const bases = region.pointers.map((p, k) => {
      const address = affine(p, (local) => `${local}`);
      return { key: address?.terms ?? binaryen.emitText(p), c: address?.c ?? 0, offset: (address?.c ?? 0) + accessOf(region.accesses[k]).offset };
    });
    const groups = new Map<string, { entry: number; ks: number[] }>();
    sites.forEach(({ entry }, k) => {
      const key = `${entry} ${bases[k].key}`;
      if (!groups.has(key)) groups.set(key, { entry, ks: [] });
      groups.get(key)!.ks.push(k);
    });
    // Per entry and base: the span of its accesses, from the least offset to the end of the furthest.
    const spans = [...groups.values()].map(({ ks }) => {
      const first = Math.min(...ks.map((k) => bases[k].offset));
      // first - the least pointer constant: how far the span starts past the lowest pointer.
      const skew = first - Math.min(...ks.map((k) => bases[k].c));
      return { first, skew, span: Math.max(...ks.map((k) => bases[k].offset + accessOf(region.accesses[k]).bytes)) - first };
    });
    if (spans.some(({ span }) => span > pageSize / 2)) continue; // not likely on one page: not worth it
    rw.regionCount++;
    out.push(...children.slice(next, region.start));
    next = region.end;
    const physOf: { phys: number; offset: number }[] = [];
    const readPhys: binaryen.ExpressionRef[] = [];
    const wrapTests: binaryen.ExpressionRef[] = [];
    const tests = [...groups.values()].map(({ entry, ks }, g) => {
      const stores = ks.some((k) => accessOf(region.accesses[k]).kind === "st"); // then wbase, which implies vbase
      const { first, skew, span } = spans[g];
      const low = addVar(i32), phys = addVar(i32);
      // Unchecked, each access is made at the physical address of the span plus a constant.
      for (const k of ks) physOf[k] = { phys, offset: bases[k].offset - first };
      readPhys.push(module.local.set(phys, module.i32.add(lget(low, i32), module.i32.load(4, 4, c32(entry)))));
      setup.push(module.local.set(low, module.i32.add(region.pointers[ks[0]], c32(first - bases[ks[0]].c))));
      // A miss: refilled here as its first access would refill it (the same count, fold and
      // entry) if the page is resident; else the checked statements run. An entry with two
      // pointers could need two refills: the checked statements make them.
      const alone = [...groups.values()].filter((g) => g.entry === entry).length === 1;
      // Each access is at its pointer (an i32, which may wrap) plus its offset, a 33-bit sum: the
      // span from low is where the accesses are only if no access ends past 2^32, that is if the
      // lowest pointer (low - skew) is at most 2^32 - skew - span; else (an access out of bounds)
      // the checked statements run. With no skew, the hit test below says as much.
      if (skew !== 0) {
        wrapTests.push(module.br(checked, module.i32.gt_u(module.i32.sub(lget(low, i32), c32(skew)), c32((2 ** 32 - skew - span) | 0))));
      }
      const miss = module.i32.ge_u(module.i32.xor(module.i32.load(stores ? TLB_WBASE_OFFSET : 0, 4, c32(entry)), lget(low, i32)), c32(pageSize - span + 1));
      return module.if(miss, alone ? module.block(null, refillWalk(rw, span, stores, entry, low, checked)) : module.br(checked));
    });
    const m = sites.length;
    const stores = region.accesses.filter((a) => kindOf(a) === "Store").length;
    const lastUse = new Map(sites.map(({ entry }, k) => [entry, k]));
    const uncheck = uncheckedCopy(rw, region.fastAccesses, (k) => physOf[k]);
    const bump = (local: number, by: number) => module.local.set(local, module.i64.add(lget(local, i64), module.i64.const(BigInt(by) as unknown as number)));
    out.push(...setup, module.block(end, [
      module.block(checked, [
        ...wrapTests,
        ...tests,
        ...readPhys,
        ...region.fastStatements.map(uncheck),
        bump(clk, m), ...(stores ? [bump(stc, stores)] : []),
        ...stampsAfter(rw, lastUse, m),
        module.br(end),
      ]),
      ...children.slice(region.start, region.end),
    ]));
  }
  if (next === 0) return block;
  out.push(...children.slice(next));
  return module.block(classes.Block.getName(block), out, binaryen.getExpressionType(block));
}

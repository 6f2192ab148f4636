// Page runs: a loop checked once per page, not once per access.
//
// A loop of the shape
//   (loop $L (if COND (then S1 ... Sn (br $L))))
// whose statements have no call and no control flow, and whose every load and store address
// changes by a constant from one iteration to the next (an affine function of induction locals,
// each set once per iteration to itself plus a constant, and of locals the loop does not
// change), runs each iteration one of two ways:
//   checked    the instrumented statements (every access tests its TLB entry), then, for each
//              access, how many more iterations keep it inside the page its entry now maps:
//              the budget is the least of them;
//   unchecked  while the budget lasts, in a tight inner loop: each access made directly at
//              its physical address (a local, advanced by its stride each iteration), no
//              test; the clock and the store count advance once, after the inner loop.
// No MMU call can happen in an unchecked iteration (no slow path, no call), so no entry changes
// under it, and nobody reads the entries' stamps until the next checked iteration or the end
// of the loop, where they are written as the checked loop would have left them. Counts, stamps
// and modelled figures are exactly those of checking every access (test/page-runs.test.ts).
// In clang's do-while loops an access may also move by a run-time step (a column walk: p += n):
// it is walked, translated through the page table at the top of each unchecked iteration, and
// when its page is not resident the iteration runs checked instead (walkedTranslation, below).
//
// Before:                                   After (B: the budget, P: the access's physical address):
//   (loop $L                                  (local.set $B (i32.const 0))
//     (if (i32.lt_s (local.get $i) (N))       (block $run (loop $L
//       (then                                   (if (i32.lt_s (local.get $i) (N)) (then
//         (f64.store (local.get $p) X)            (if (i32.gt_s (local.get $B) (i32.const 0))
//         (local.set $p (i32.add (local.get $p)     (then ;; unchecked, while B lasts and the condition holds
//                                 (i32.const 8)))        (loop $fast (f64.store (local.get $P) X')
//         (local.set $i (i32.add (local.get $i)                      (local.set $P (i32.add (local.get $P) (i32.const 8)))
//                                 (i32.const 1)))                    (local.set $B (i32.sub (local.get $B) (i32.const 1))) ...)
//         (br $L))))                                  the clock advanced by the iterations run; (br $run) if B is left)
//                                                   (else ;; checked: the instrumented statements, then
//                                                     ;; B = iterations left on the entry's page, P from the entry
//                                                     ...))
//                                                 (br $L))))
//                                             the entries' stamps written after the loop
import binaryen from "./binaryen.ts";
import type { Rewriter } from "./context.ts";
import { accessesIn, accessOf, affine, childrenOf, classes, constValue, isAtomicAccess, kindOf, PREFIX, setsAnything, type Access } from "./ir.ts";
import { ADDR_VIRTUAL_BYTES, ADDR_WALK_BASE, WALK_DELTA_OFFSET, WALK_STAMP_OFFSET } from "../layout.ts";
import { pageWalk } from "./fast-path.ts";
import { stampsAfter, uncheckedCopy } from "./unchecked.ts";

const { i32, i64 } = binaryen;

/** A page run: a loop whose accesses each advance by a fixed stride per iteration (see
 *  planPageRun), so one checked iteration tells how many more stay on their pages. */
export interface PageRun {
  /** The loop's shape (loopShape): the condition after the statements, or before. */
  doWhile: boolean;
  /** The original accesses of the loop body, in evaluation order, and each one's stride in bytes. */
  accesses: binaryen.ExpressionRef[];
  strides: number[];
  /** Each access's address as terms and a constant (null: not affine), for sharing physical
   *  address locals in the unchecked iterations. */
  addresses: ({ terms: string; c: number } | null)[];
  /** Copies of the body's statements (all but the closing br), made before instrumenting, and the
   *  accesses in them in the same order: the unchecked version of an iteration. */
  fastStatements: binaryen.ExpressionRef[];
  fastAccesses: binaryen.ExpressionRef[];
  /** Induction locals left out of the unchecked statements (they only make addresses), each
   *  stepped after the unchecked iterations by its step times their number. */
  stepAfter: { local: number; step: number }[];
  /** Each access's TLB entry and effective-address local, recorded as it is instrumented. */
  sites: Map<binaryen.ExpressionRef, { entry: number; ea: number }>;
  /** Walked accesses (do-while loops only): those whose address moves by a run-time amount (a
   *  column walk). Each is translated through the page table at the top of every unchecked
   *  iteration, from a copy of its pointer (it reads only locals the iteration has not set yet),
   *  and translated directly (direct.ts) in checked ones. */
  walked: { expr: binaryen.ExpressionRef; access: Access; ptr: binaryen.ExpressionRef }[];
  /** Where each access, regular (`accesses`) and walked, comes among all of an iteration's
   *  accesses (the clock ticks at each): regular k at order[k], walked w at walkedAt[w]. */
  order: number[];
  walkedAt: number[];
}

class NotAPageRun extends Error {}

const AFFINE_OPS = new Map<number, (l: number, r: number, right: binaryen.ExpressionRef) => number | null>([
  [binaryen.AddInt32, (l, r) => l + r],
  [binaryen.SubInt32, (l, r) => l - r],
  [binaryen.ShlInt32, (l, r, right) => (r === 0 && constValue(right) !== null ? l * 2 ** (constValue(right)! & 31) : null)],
  [binaryen.MulInt32, (l, r, right) => (r === 0 && constValue(right) !== null ? l * constValue(right)! : null)],
]);

/** The loop's page run, or null when it does not have the shape above. */
function planPageRun(rw: Rewriter, loop: binaryen.ExpressionRef): PageRun | null {
  const shape = loopShape(loop);
  if (!shape) return null;
  const { statements, cond, doWhile } = shape;
  // How often each local is set in the loop (the condition included).
  const setCount = new Map<number, number>();
  const setGlobals = new Set<string>(); // e.g. a random generator's state
  const countSets = (e: binaryen.ExpressionRef): void => {
    if (kindOf(e) === "LocalSet") setCount.set(classes.LocalSet.getIndex(e), (setCount.get(classes.LocalSet.getIndex(e)) ?? 0) + 1);
    if (kindOf(e) === "GlobalSet") setGlobals.add(classes.GlobalSet.getName(e));
    childrenOf(e).forEach(countSets);
  };
  [cond, ...statements].forEach(countSets);
  // Induction locals: each set once per iteration, to itself plus a constant c, its step. The
  // loop has no control flow, so a set anywhere in it (a statement, or a local.tee in the
  // condition, as clang writes `i++ != n`) runs exactly once per iteration.
  const steps = new Map<number, number>();
  const findSteps = (e: binaryen.ExpressionRef): void => {
    childrenOf(e).forEach(findSteps);
    if (kindOf(e) !== "LocalSet") return;
    const local = classes.LocalSet.getIndex(e);
    const value = classes.LocalSet.getValue(e);
    if (setCount.get(local) !== 1 || kindOf(value) !== "Binary" || classes.Binary.getOp(value) !== binaryen.AddInt32) return;
    const [l, r] = [classes.Binary.getLeft(value), classes.Binary.getRight(value)];
    const isLocal = (x: binaryen.ExpressionRef) => kindOf(x) === "LocalGet" && classes.LocalGet.getIndex(x) === local;
    const c = isLocal(l) ? constValue(r) : isLocal(r) ? constValue(l) : null;
    if (c !== null && c !== 0) steps.set(local, c);
  };
  [cond, ...statements].forEach(findSteps);
  if (steps.size === 0) return null;
  const runtimeStepped = doWhile && rw.useDirect ? runtimeSteps([cond, ...statements], setCount) : new Set<number>();

  // How much each address changes from one iteration to the next, in evaluation order (null:
  // not an affine function of the induction locals and of locals the loop does not change).
  const known = new Map<number, number | null>();
  const epochs = new Map<number, number>(); // how often each local was set so far in the iteration
  const addresses: PageRun["addresses"] = [];
  const accesses: binaryen.ExpressionRef[] = [];
  const strides: number[] = [];
  const order: number[] = [];
  const walked: PageRun["walked"] = [];
  const walkedAt: number[] = [];
  const walkedReads = new Set<number>(); // locals the walked accesses' pointers read
  const coefficient = (e: binaryen.ExpressionRef): number | null => {
    const kind = kindOf(e);
    const c = classes[kind];
    switch (kind) {
      case "Const": return 0;
      case "GlobalGet": return setGlobals.has(c.getName(e)) ? null : 0;
      case "GlobalSet": coefficient(c.getValue(e)); return null;
      case "LocalGet": {
        const local = c.getIndex(e);
        if (steps.has(local)) return steps.get(local)!;
        if (!setCount.has(local)) return 0; // unchanged in the loop
        return known.has(local) ? known.get(local)! : null; // set earlier in this iteration, or not yet
      }
      case "LocalSet": {
        const v = coefficient(c.getValue(e));
        if (!steps.has(c.getIndex(e))) known.set(c.getIndex(e), v);
        epochs.set(c.getIndex(e), (epochs.get(c.getIndex(e)) ?? 0) + 1);
        return c.isTee(e) ? v : null;
      }
      case "Binary": {
        const l = coefficient(c.getLeft(e));
        const r = coefficient(c.getRight(e));
        if (l === null || r === null) return null;
        if (l === 0 && r === 0) return 0;
        const op = AFFINE_OPS.get(c.getOp(e));
        return op ? op(l, r, c.getRight(e)) : null;
      }
      case "Unary": return coefficient(c.getValue(e)) === 0 ? 0 : null;
      case "Select": {
        const parts = [c.getIfTrue(e), c.getIfFalse(e), c.getCondition(e)].map(coefficient);
        return parts.every((p) => p === 0) ? 0 : null;
      }
      case "Drop": coefficient(c.getValue(e)); return null;
      case "Nop": return null;
      case "Load": case "Store": {
        if (isAtomicAccess(e)) throw new NotAPageRun();
        const a = coefficient(c.getPtr(e));
        if (a === null && walkable(c.getPtr(e), runtimeStepped, epochs)) {
          if (kind === "Store") coefficient(c.getValue(e));
          localsIn(c.getPtr(e))!.forEach((local) => walkedReads.add(local));
          walked.push({ expr: e, access: accessOf(e), ptr: c.getPtr(e) });
          walkedAt.push(order.length + walkedAt.length);
          return null;
        }
        // Its address as terms (each local at its value here) and a constant: two accesses with
        // equal terms are a constant apart in every iteration.
        const address = affine(c.getPtr(e), (local) => `${local}@${epochs.get(local) ?? 0}`);
        if (kind === "Store") coefficient(c.getValue(e));
        if (a === null) throw new NotAPageRun();
        addresses.push(address && { terms: address.terms, c: address.c + accessOf(e).offset });
        order.push(order.length + walkedAt.length);
        accesses.push(e);
        strides.push(a);
        return null;
      }
      default: throw new NotAPageRun(); // calls, control flow, memory.*: not a page run
    }
  };
  try {
    // The condition runs in every iteration, unchecked ones too: no access and no call in it (a
    // call could reach the MMU and change the entries an unchecked iteration relies on). It runs
    // before the statements of a while loop and after those of a do-while loop.
    if (!doWhile) coefficient(cond);
    if (accesses.length > 0) return null;
    statements.forEach(coefficient);
    const before = accesses.length;
    if (doWhile) coefficient(cond);
    if (accesses.length > before) return null;
  } catch (e) {
    if (e instanceof NotAPageRun) return null;
    throw e;
  }
  // A stride of over an eighth of a page leaves its page within 8 iterations: too few unchecked
  // ones to pay for the budget (trans's column walk ran 10% slower as a page run).
  if (accesses.length + walked.length === 0 || strides.some((st) => Math.abs(st) * 8 > rw.pageSize)) return null;
  // Induction locals that only make addresses (a pointer walking an array) are not stepped in
  // unchecked iterations, whose accesses use physical address locals: stepped once after them.
  const skipped = statements.flatMap((st, i) => {
    if (kindOf(st) !== "LocalSet" || classes.LocalSet.isTee(st) || !steps.has(classes.LocalSet.getIndex(st))) return [];
    const local = classes.LocalSet.getIndex(st);
    if (walkedReads.has(local)) return []; // the walked accesses' translation reads it
    const others = [cond, ...statements.filter((_, j) => j !== i)];
    return others.some((x) => readOutsideAddresses(x, local)) || readOutsideAddresses(classes.LocalSet.getValue(st), local, true)
      ? [] : [{ statement: i, local, step: steps.get(local)! }];
  });
  const kept = statements.filter((_, i) => !skipped.some((s) => s.statement === i));
  const fastStatements = kept.map((st) => rw.module.copyExpression(st));
  const fastAccesses = accessesIn(fastStatements);
  if (fastAccesses.length !== accesses.length + walked.length) return null;
  for (const { expr } of walked) {
    rw.fn.direct.add(expr); // direct.ts's choice for them too
    rw.directCount++;
  }
  walked.forEach((w) => (w.ptr = rw.module.copyExpression(w.ptr)));
  return { doWhile, accesses, strides, addresses, fastStatements, fastAccesses, stepAfter: skipped, sites: new Map(), walked, order, walkedAt };
}

/** Whether a walked access's pointer can be computed at the top of the iteration: locals the
 *  iteration has not set yet (and no local.tee), constants, and arithmetic that cannot trap; and
 *  it moves by a run-time step of the loop. */
function walkable(ptr: binaryen.ExpressionRef, runtimeStepped: Set<number>, epochs: Map<number, number>): boolean {
  const locals = localsIn(ptr);
  if (!locals || !locals.some((local) => runtimeStepped.has(local))) return false;
  return locals.every((local) => !epochs.get(local));
}

const PURE_OPS = new Set([binaryen.AddInt32, binaryen.SubInt32, binaryen.MulInt32, binaryen.ShlInt32, binaryen.ShrUInt32,
  binaryen.ShrSInt32, binaryen.AndInt32, binaryen.OrInt32, binaryen.XorInt32]);

/** The locals an i32 expression of local.gets, constants and PURE_OPS reads; null for anything else. */
function localsIn(e: binaryen.ExpressionRef): number[] | null {
  switch (kindOf(e)) {
    case "Const": return binaryen.getExpressionType(e) === binaryen.i32 ? [] : null;
    case "LocalGet": return [classes.LocalGet.getIndex(e)];
    case "Binary": {
      if (!PURE_OPS.has(classes.Binary.getOp(e))) return null;
      const [l, r] = [localsIn(classes.Binary.getLeft(e)), localsIn(classes.Binary.getRight(e))];
      return l && r ? [...l, ...r] : null;
    }
    default: return null;
  }
}

/** The locals a loop sets (once per iteration) to themselves plus something not a constant:
 *  $p = $p + $s, a column walk's pointer. */
export function runtimeSteps(parts: binaryen.ExpressionRef[], setCount?: Map<number, number>): Set<number> {
  const stepped = new Set<number>();
  const find = (e: binaryen.ExpressionRef): void => {
    childrenOf(e).forEach(find);
    if (kindOf(e) !== "LocalSet") return;
    const local = classes.LocalSet.getIndex(e);
    if (setCount && setCount.get(local) !== 1) return;
    const value = classes.LocalSet.getValue(e);
    if (kindOf(value) !== "Binary" || classes.Binary.getOp(value) !== binaryen.AddInt32) return;
    const [l, r] = [classes.Binary.getLeft(value), classes.Binary.getRight(value)];
    const isLocal = (x: binaryen.ExpressionRef) => kindOf(x) === "LocalGet" && classes.LocalGet.getIndex(x) === local;
    const other = isLocal(l) ? r : isLocal(r) ? l : 0;
    if (other && constValue(other) === null) stepped.add(local);
  };
  parts.forEach(find);
  return stepped;
}

/** Whether `e` reads `local` other than in the address of an access the unchecked copy makes at
 *  a physical address (its pointer is dropped there, unless it sets a local); `own`: e is the
 *  local's own step, $x + c, whose one read of $x does not count. */
function readOutsideAddresses(e: binaryen.ExpressionRef, local: number, own = false): boolean {
  let reads = 0;
  const walk = (x: binaryen.ExpressionRef): void => {
    const kind = kindOf(x);
    if (kind === "LocalGet" && classes.LocalGet.getIndex(x) === local) reads++;
    if ((kind === "Load" || kind === "Store") && !setsAnything(classes[kind].getPtr(x))) {
      if (kind === "Store") walk(classes.Store.getValue(x));
      return;
    }
    childrenOf(x).forEach(walk);
  };
  walk(e);
  return reads > (own ? 1 : 0);
}

/** A loop's statements and condition, when it has one of the two shapes a compiler writes:
 *    while     (loop $L (if COND (then S1 ... Sn (br $L))))     AssemblyScript's, binaryen's
 *    do-while  (loop $L S1 ... Sn (br_if $L COND))              clang's (rotated loops)
 *  and no result. */
function loopShape(loop: binaryen.ExpressionRef): { statements: binaryen.ExpressionRef[]; cond: binaryen.ExpressionRef; doWhile: boolean } | null {
  const name = classes.Loop.getName(loop);
  const body = classes.Loop.getBody(loop);
  if (!name || binaryen.getExpressionType(loop) !== binaryen.none) return null;
  const split = (block: binaryen.ExpressionRef) => {
    if (kindOf(block) !== "Block") return null;
    const n = classes.Block.getNumChildren(block);
    const last = n > 1 ? classes.Block.getChildAt(block, n - 1) : 0;
    if (!last || kindOf(last) !== "Break" || classes.Break.getName(last) !== name || classes.Break.getValue(last)) return null;
    return { statements: Array.from({ length: n - 1 }, (_, i) => classes.Block.getChildAt(block, i)), cond: classes.Break.getCondition(last) as binaryen.ExpressionRef };
  };
  if (kindOf(body) === "If") {
    if (classes.If.getIfFalse(body)) return null;
    const parts = split(classes.If.getIfTrue(body));
    return parts && !parts.cond ? { statements: parts.statements, cond: classes.If.getCondition(body), doWhile: false } : null;
  }
  const parts = split(body);
  return parts && parts.cond ? { ...parts, doWhile: true } : null;
}

/** Finds the function's page runs: every loop of the shape above, innermost first. */
export function planPageRuns(rw: Rewriter, root: binaryen.ExpressionRef): void {
  if (!rw.usePageRuns) return;
  const walk = (e: binaryen.ExpressionRef): void => {
    childrenOf(e).forEach(walk);
    if (kindOf(e) === "Loop") {
      const run = planPageRun(rw, e);
      if (run) {
        rw.pageRunCount++;
        rw.fn.pageRuns.set(e, run);
        for (const access of run.accesses) rw.fn.pageRunOf.set(access, run);
      }
    }
  };
  walk(root);
}

/** The loop (its accesses already instrumented) rebuilt as a page run. */
export function pageRunLoop(rw: Rewriter, loop: binaryen.ExpressionRef, run: PageRun): binaryen.ExpressionRef {
  const { module, c32, lget, addVar, pageSize } = rw;
  const { clk, stc } = rw.fn;
  const sites = run.accesses.map((a) => run.sites.get(a)!);
  const budget = addVar(i32);
  const rem = addVar(i32);
  // Each access's physical address in the next iteration: after a checked iteration, its
  // address then plus its stride plus its entry's delta; after each unchecked one, plus its
  // stride (so the unchecked copy need not compute the addresses at all).
  // Accesses with one TLB entry and equal address terms (a[i] and a[i+1]) are a constant apart,
  // on one page: they share one local, the lowest one's address, and differ by constant offsets.
  // Fewer live locals in the unchecked loop: fewer spilled to the stack.
  const groups = new Map<string, { base: number; local: number }>();
  const groupOf = sites.map(({ entry }, k) => {
    const address = run.addresses[k];
    const key = address ? `${entry} ${address.terms}` : `${entry} #${k}`;
    const g = groups.get(key);
    if (!g) groups.set(key, { base: k, local: 0 });
    else if (address!.c < run.addresses[g.base]!.c) g.base = k;
    return key;
  });
  for (const g of groups.values()) g.local = addVar(i32);
  const physOf = (k: number) => {
    const g = groups.get(groupOf[k])!;
    return { phys: g.local, offset: g.base === k ? 0 : run.addresses[k]!.c - run.addresses[g.base]!.c };
  };
  const readEntries = () => [...groups.values()].map(({ base, local }) => module.local.set(local,
    module.i32.add(module.i32.add(lget(sites[base].ea, i32), c32(run.strides[base])), module.i32.load(4, 4, c32(sites[base].entry)))));
  const stride = () => [...groups.values()].map(({ base, local }) => module.local.set(local, module.i32.add(lget(local, i32), c32(run.strides[base]))));

  // Walked accesses: each one's physical address in the unchecked iteration, from the page table.
  const walkedPhys = run.walked.map(() => addVar(i32));
  const positionOf = new Map<number, { phys: number; offset: number }>();
  run.order.forEach((j, k) => positionOf.set(j, physOf(k)));
  run.walkedAt.forEach((j, w) => positionOf.set(j, { phys: walkedPhys[w], offset: 0 }));
  const uncheck = uncheckedCopy(rw, run.fastAccesses, (j) => positionOf.get(j)!);
  // Unchecked iterations run as a tight inner loop while the budget lasts and the condition
  // holds; the clock and the store count then advance once, by the accesses and stores of the
  // iterations it ran. The entries' stamps are not written in unchecked iterations: after any,
  // each entry's stamp is the clock at its last access in the last iteration, the clock now
  // less the accesses after that one; written before the next checked iteration and after the
  // loop, the only places from which the MMU can be reached.
  const m = run.accesses.length + run.walked.length;
  const stores = run.accesses.filter((a) => kindOf(a) === "Store").length + run.walked.filter((w) => w.access.kind === "st").length;
  const advance = (local: number, by: number) => module.local.set(local, module.i64.add(lget(local, i64),
    module.i64.mul(module.i64.extend_u(module.i32.sub(lget(rem, i32), lget(budget, i32))), module.i64.const(BigInt(by) as unknown as number))));
  const unchecked = addVar(i32); // 1 after an unchecked iteration whose stamps are not written yet
  const lastUse = new Map(sites.map(({ entry }, k) => [entry, run.order[k]]));
  const writeStamps = () => module.if(lget(unchecked, i32), module.block(null, [
    ...stampsAfter(rw, lastUse, m),
    module.local.set(unchecked, c32(0)),
  ]));
  const id = ++rw.labels.pageRun;
  const fastLoop = `${PREFIX}unchecked${id}`, spent = `${PREFIX}spent${id}`, stop = `${PREFIX}stop${id}`, out = `${PREFIX}run${id}`; // unique in the function
  const body = classes.Loop.getBody(loop);
  // The loop's own closing branch: br $L after the statements of a while loop, br_if $L COND
  // after those of a do-while loop.
  const statementsBlock = run.doWhile ? body : classes.If.getIfTrue(body);
  const n = classes.Block.getNumChildren(statementsBlock);
  const checked = Array.from({ length: n - 1 }, (_, i) => classes.Block.getChildAt(statementsBlock, i));
  const br = classes.Block.getChildAt(statementsBlock, n - 1);
  const cond = run.doWhile ? classes.Break.getCondition(br) : classes.If.getCondition(body);
  const more = run.doWhile ? addVar(i32) : 0; // the condition after the last unchecked iteration
  const walk = walkedTranslation(rw, run, walkedPhys, rem, budget, spent, id);
  const uncheckedLoop = module.loop(fastLoop, module.block(null, [
    ...walk.translate,
    ...run.fastStatements.map(uncheck),
    ...stride(),
    ...walk.step(m),
    module.local.set(budget, module.i32.sub(lget(budget, i32), c32(1))),
    // Another unchecked iteration while the budget lasts and the condition holds (the
    // condition has no access and no call; a copy evaluates it exactly as the loop would,
    // once per iteration: a while loop's at the head of the next, a do-while loop's here).
    // Two branches, not one on both tests: that became a select, 8 instructions, not 4. A
    // failed condition leaves by a block of its own, not through a local set to it at every
    // iteration, which V8 materialized as a boolean (3 instructions more per iteration).
    ...(run.doWhile
      ? [module.br(stop, module.i32.eqz(module.copyExpression(cond))),
        module.br(fastLoop, lget(budget, i32))]
      : [module.br(spent, module.i32.eqz(lget(budget, i32))),
        module.br(fastLoop, module.copyExpression(cond))]),
  ]));
  const fast = [
    module.local.set(rem, lget(budget, i32)), // the budget before: rem - budget iterations ran
    ...walk.before,
    ...(run.doWhile ? [module.local.set(more, c32(1))] : []), // the budget spent, or a bail: on, checked
    module.block(spent, run.doWhile
      ? [module.block(stop, [uncheckedLoop, module.br(spent)]), module.local.set(more, c32(0))]
      : [uncheckedLoop]),
    advance(clk, m), ...(stores ? [advance(stc, stores)] : []), ...(run.walked.length ? [advance(rw.fn.msc, run.walked.length)] : []),
    ...run.stepAfter.map(({ local, step }) => module.local.set(local, module.i32.add(lget(local, i32),
      module.i32.mul(module.i32.sub(lget(rem, i32), lget(budget, i32)), c32(step))))),
    module.local.set(unchecked, c32(1)),
    ...(run.doWhile
      // The condition failed: the loop is over. Else the budget is spent: a checked iteration.
      ? [module.br(out, module.i32.eqz(lget(more, i32))), module.br(classes.Loop.getName(loop))]
      // Budget left: the condition failed, the loop is over. None left: back to its head.
      : [module.br(out, lget(budget, i32))]),
  ];

  // After a checked iteration: how many more iterations keep every access on its entry's page.
  const BIG = 1 << 30;
  const budgetOf = sites.flatMap(({ entry, ea }, k) => {
    const stride = run.strides[k];
    const access = accessOf(run.accesses[k]);
    const maxPos = pageSize - access.bytes; // the last offset in the page where the access fits
    const pos = () => module.i32.sub(lget(ea, i32), module.i32.load(0, 4, c32(entry)));
    // An access that stays put stays on its page, if its entry maps it: a page that is not
    // resident (a remote page under counters) is not, and no iteration may run unchecked.
    if (stride === 0) return [module.local.set(budget, module.select(module.i32.gt_u(pos(), c32(maxPos)), c32(0), lget(budget, i32)))];
    const abs = Math.abs(stride);
    const over = (x: binaryen.ExpressionRef) => // x / |stride|, a shift for a power of two
      (abs & (abs - 1)) === 0 ? module.i32.shr_u(x, c32(Math.log2(abs))) : module.i32.div_u(x, c32(abs));
    // Going down, the pointer (ea less the access's offset) must stay at or above 0 too: below, it
    // wraps to the top of the address space and the access (a 33-bit address) is out of bounds.
    const offset = access.offset;
    const ptr = () => module.i32.sub(lget(ea, i32), c32(offset));
    const down = offset === 0 ? pos() : module.select(module.i32.lt_u(pos(), ptr()), pos(), ptr());
    const more = over(stride > 0 ? module.i32.sub(c32(maxPos), pos()) : down);
    return [
      module.local.set(rem, module.select(module.i32.gt_u(pos(), c32(maxPos)), c32(0), more)),
      module.local.set(budget, module.select(module.i32.lt_u(lget(rem, i32), lget(budget, i32)), lget(rem, i32), lget(budget, i32))),
    ];
  });

  const iteration = module.block(run.doWhile ? classes.Block.getName(body) : null, [
    module.if(module.i32.gt_s(lget(budget, i32), c32(0)),
      module.block(null, fast),
      module.block(null, [writeStamps(), ...checked, module.local.set(budget, c32(BIG)), ...budgetOf, ...readEntries()])),
    br,
  ]);
  if (run.doWhile) classes.Loop.setBody(loop, iteration);
  else classes.If.setIfTrue(body, iteration);
  return module.block(null, [module.local.set(budget, c32(0)), module.local.set(unchecked, c32(0)), module.block(out, [loop]), writeStamps()], binaryen.getExpressionType(loop));
}

/** The walked accesses' translation at the top of an unchecked iteration: each one's address from
 *  a copy of its pointer, then the walk table (assembly/layout.ts: the page's PTE, the frame's
 *  address less the page's, its last walked use, in one 16-byte entry). If any page is not
 *  resident (or not dirty, for a store), or an access is out of bounds or straddles two pages, the
 *  iteration is not run unchecked: the iterations so far are counted (rem), the budget is spent,
 *  and the loop goes on with a checked iteration, which calls the MMU where it must. Only when all
 *  pass are the pages' last uses stamped, each with the clock its access will have (no MMU call
 *  can happen before it), and the physical addresses set. The table's base cannot move during
 *  unchecked iterations (no MMU call): read once before them.
 *
 *    (block $walked (block $bail                    ;; for each walked access w:
 *        (local.set $wa (PTR)) (br_if $bail (page crossed, or wa past virtual memory))
 *        (local.set $we (walk + (wa >> shift) * 16))
 *        (local.set $pte (i32.load (local.get $we))) (br_if $bail (not resident))
 *        (br $walked))
 *      (local.set $rem (i32.sub $rem $budget)) (local.set $budget (i32.const 0)) (br $spent))
 *    (i64.store offset=8 $we (clock + position + 1)) (local.set $P (i32.add $wa (i32.load offset=4 $we)))
 */
function walkedTranslation(rw: Rewriter, run: PageRun, walkedPhys: number[], rem: number, budget: number, spent: string, id: number) {
  const { module, c32, lget, addVar } = rw;
  if (run.walked.length === 0) return { before: [], translate: [], step: () => [] };
  const [WALK, VIRTUAL] = [addVar(i32), addVar(i32)];
  const runClk = addVar(i64); // the clock at the top of this unchecked iteration
  const g = (local: number) => lget(local, i32);
  const ld32 = (addr: number) => module.i32.load(0, 4, c32(addr));
  const before = [
    module.local.set(WALK, ld32(ADDR_WALK_BASE)), module.local.set(VIRTUAL, ld32(ADDR_VIRTUAL_BYTES)),
    module.local.set(runClk, lget(rw.fn.clk, i64)),
  ];
  const bail = `${PREFIX}bail${id}`, walked = `${PREFIX}walked${id}`;
  const checks: binaryen.ExpressionRef[] = [];
  const translate: binaryen.ExpressionRef[] = [];
  run.walked.forEach(({ access, ptr }, w) => {
    const ea = addVar(i32), entry = addVar(i32);
    checks.push(module.local.set(ea, access.offset ? module.i32.add(ptr, c32(access.offset)) : ptr));
    // ptr + offset past 2^32 wraps: the checked iteration traps as the access would.
    if (access.offset) checks.push(module.br(bail, module.i32.lt_u(g(ea), c32(access.offset))));
    // The walk of a miss, with no miss counted: the misses of the iterations run are, after them.
    checks.push(...pageWalk(rw, { locals: [addVar(i32)], walkEntry: entry, walkBase: () => g(WALK), virtualBytes: () => g(VIRTUAL) },
      access.bytes, access.kind === "st", ea, bail));
    translate.push(
      module.i64.store(WALK_STAMP_OFFSET, 8, g(entry),
        module.i64.add(lget(runClk, i64), module.i64.const(BigInt(run.walkedAt[w] + 1) as unknown as number))),
      module.local.set(walkedPhys[w], module.i32.add(g(ea), module.i32.load(WALK_DELTA_OFFSET, 4, g(entry)))),
    );
  });
  return {
    before,
    translate: [
      module.block(walked, [
        module.block(bail, [...checks, module.br(walked)]),
        module.local.set(rem, module.i32.sub(g(rem), g(budget))),
        module.local.set(budget, c32(0)),
        module.br(spent),
      ]),
      ...translate,
    ],
    step: (m: number) => [module.local.set(runClk, module.i64.add(lget(runClk, i64), module.i64.const(BigInt(m) as unknown as number)))],
  };
}

// The walk that rewrites one function, bottom-up, in evaluation order: every kind of expression is
// either known (its children walked) or refused by name, so nothing reaches memory unseen. Each
// kind goes to its pass: loads and stores to the fast path (fast-path.ts), calls, returns and the
// memory instructions to calls.ts, loops planned as page runs to page-runs.ts, blocks with regions
// to regions.ts; local.sets are noted for entry sharing (entry-sharing.ts); direct.ts picks the
// accesses whose fast path reads the page table each time.
import binaryen from "./binaryen.ts";
import { wrapBody, rewriteCall } from "./calls.ts";
import { InstrumentError, type Rewriter } from "./context.ts";
import { planDirect } from "./direct.ts";
import { localWritten } from "./entry-sharing.ts";
import { fastPath } from "./fast-path.ts";
import { accessOf, childrenOf, classes, isAtomicAccess, kindOf, LEAVES, LIST_CHILDREN, ptrOf, REFUSED, SCALAR_CHILDREN, storeValueOf, typeName } from "./ir.ts";
import { pageRunLoop, planPageRuns } from "./page-runs.ts";
import { planRegions, regionBlock } from "./regions.ts";
import { planTemporaries, temporariesOf, V8_MAX_LOCALS } from "./temporaries.ts";

/** Rewrites one function: plan its page runs and regions, walk its body, wrap it with the clock. */
export function rewriteFunction(rw: Rewriter, fn: binaryen.FunctionRef, name: string): void {
  const info = binaryen.getFunctionInfo(fn);
  rw.beginFunction(fn, name);
  const { hasLoop, accesses, temporaries } = shape(info.body);
  Object.assign(rw.fn, { hasLoop, accesses, levels: planTemporaries(fn, temporaries, rw.shareTemporaries) });
  planPageRuns(rw, info.body);
  planRegions(rw, info.body);
  planDirect(rw, info.body);
  const body = visit(rw, info.body);
  classes.Function.setBody(fn, wrapBody(rw, body, info.results));
  const after = binaryen.getFunctionInfo(fn);
  const locals = binaryen.expandType(after.params).length + after.vars.length;
  if (locals > V8_MAX_LOCALS) {
    throw new InstrumentError(`function ${name} has ${locals} locals once instrumented, and V8 takes at most ${V8_MAX_LOCALS}`);
  }
}

/** Rewrites one expression tree bottom-up; returns the replacement for `expr`. */
function visit(rw: Rewriter, expr: binaryen.ExpressionRef): binaryen.ExpressionRef {
  if (expr === 0) return 0;
  const kind = kindOf(expr);
  const cls = classes[kind];
  if (kind in REFUSED) rw.refuse(REFUSED[kind]);
  if (!(kind in SCALAR_CHILDREN) && !(kind in LIST_CHILDREN) && !LEAVES.has(kind)) {
    rw.refuse(`the ${kind} instruction (not supported by remora's instrumenter)`);
  }
  if (kind === "Loop") rw.loopAccesses.push(shape(expr).accesses);
  for (const field of SCALAR_CHILDREN[kind] ?? []) {
    const child = cls[`get${field}`](expr);
    if (child) {
      const replaced = visit(rw, child);
      if (replaced !== child) cls[`set${field}`](expr, replaced);
    }
  }
  const list = LIST_CHILDREN[kind];
  if (list) {
    const n = cls[list[0]](expr);
    for (let i = 0; i < n; i++) {
      const child = cls[`get${list[1]}`](expr, i);
      const replaced = visit(rw, child);
      if (replaced !== child) cls[`set${list[1]}`](expr, i, replaced);
    }
  }
  if (kind === "Loop") rw.loopAccesses.pop();
  switch (kind) {
    case "LocalSet":
      localWritten(rw, expr);
      return expr;
    case "Block": {
      const regions = rw.fn.regionsOf.get(expr);
      return regions ? regionBlock(rw, expr, regions) : expr;
    }
    case "Loop": {
      const run = rw.fn.pageRuns.get(expr);
      return run ? pageRunLoop(rw, expr, run) : expr;
    }
    case "Load": {
      if (isAtomicAccess(expr)) rw.refuse(unreachable(expr) ? "an atomic load" : `${typeName(binaryen.getExpressionType(expr))}.atomic.load`);
      return unreachable(expr) ? expr : fastPath(rw, expr, accessOf(expr), ptrOf(expr), null);
    }
    case "Store": {
      if (isAtomicAccess(expr)) rw.refuse(`${typeName(classes.Store.getValueType(expr))}.atomic.store`);
      return unreachable(expr) ? expr : fastPath(rw, expr, accessOf(expr), ptrOf(expr), storeValueOf(expr));
    }
    case "DataDrop":
      // The host writes the (active) data segments through the MMU and the rewritten module has
      // none: a data.drop would name a segment that is gone. Dropping an active segment changes
      // nothing a module without memory.init (refused) can see.
      return rw.module.nop();
    default:
      return rewriteCall(rw, expr, kind) ?? expr;
  }
}

/** An access whose pointer or value never returns (an unreachable, a branch) never reaches memory:
 *  binaryen types it unreachable, a load with no value type to rewrite it with. Its operands are
 *  rewritten; the access stays as it is. */
const unreachable = (expr: binaryen.ExpressionRef): boolean => binaryen.getExpressionType(expr) === binaryen.unreachable;

/** Whether an expression has a loop in it, and how many loads and stores. */
function shape(root: binaryen.ExpressionRef): { hasLoop: boolean; accesses: number; temporaries: number } {
  let hasLoop = false;
  let accesses = 0;
  let temporaries = 0;
  const stack = [root];
  while (stack.length > 0) {
    const e = stack.pop()!;
    const kind = kindOf(e);
    if (kind === "Loop") hasLoop = true;
    else if (kind === "Load" || kind === "Store") accesses++;
    temporaries += temporariesOf(e, kind);
    stack.push(...childrenOf(e));
  }
  return { hasLoop, accesses, temporaries };
}

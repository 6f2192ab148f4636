// Calls, returns and the memory instructions: the function's access clock is written to memory
// before anything that can reach the MMU or another function, and read back after; its stores and
// TLB misses are added to the run's counts before each call and when it returns. memory.size, memory.grow, memory.fill and memory.copy
// become calls into the MMU, which sees virtual memory.
//
// Before:                                   After:
//   (call $f (X) (Y))                         (local.set $a X) (local.set $b Y)      ;; operands first
//                                             (i64.store (i32.const ACCESSES) (local.get $clk))
//                                             $stc and $msc added to STORES and TLB_MISSES, then 0
//                                             (local.set $r (call $f (local.get $a) (local.get $b)))
//                                             (local.set $clk (i64.load (i32.const ACCESSES)))
//                                             (local.get $r)
//   (memory.grow (X))                         likewise, (call $__remora_memoryGrow ...)
//   (return (X))                              (local.set $r X)
//                                             (i64.store (i32.const ACCESSES) (local.get $clk))
//                                             (i64.store (i32.const STORES) (i64.add (i64.load (i32.const STORES)) (local.get $stc)))
//                                             (return (local.get $r))
import binaryen from "./binaryen.ts";
import type { Rewriter } from "./context.ts";
import { classes, PREFIX } from "./ir.ts";

const { i32, none } = binaryen;

/** A call with its operands evaluated first, then the clock flushed, then re-read. */
function wrapCall(rw: Rewriter, expr: binaryen.ExpressionRef, operands: binaryen.ExpressionRef[], makeCall: (ops: binaryen.ExpressionRef[]) => binaryen.ExpressionRef, resultType: number, isReturn = false): binaryen.ExpressionRef {
  const { module, lget } = rw;
  const stmts: binaryen.ExpressionRef[] = [];
  const ops = operands.map((op, i) => {
    const type = binaryen.getExpressionType(op);
    if (type === binaryen.unreachable) return op;
    const tmp = rw.temp(expr, type, i);
    stmts.push(module.local.set(tmp, op));
    return lget(tmp, type);
  });
  if (operands.some((op) => binaryen.getExpressionType(op) === binaryen.unreachable)) {
    return makeCall(operands); // never reaches the call
  }
  stmts.push(...(isReturn ? rw.leave() : rw.beforeCall()));
  const call = makeCall(ops);
  if (isReturn) return module.block(null, [...stmts, call], binaryen.unreachable);
  if (resultType === none || resultType === binaryen.unreachable) {
    return module.block(null, [...stmts, call, ...rw.reload()], resultType === none ? none : binaryen.unreachable);
  }
  const result = rw.temp(expr, resultType, operands.length);
  return module.block(null, [...stmts, module.local.set(result, call), ...rw.reload(), lget(result, resultType)], resultType);
}

/** The replacement of a call, return or memory instruction of kind `kind` (children already
 *  rewritten), or null for any other kind. */
export function rewriteCall(rw: Rewriter, expr: binaryen.ExpressionRef, kind: string): binaryen.ExpressionRef | null {
  const { module } = rw;
  const type = binaryen.getExpressionType(expr);
  switch (kind) {
    case "MemorySize":
      return wrapCall(rw, expr, [], () => module.call(PREFIX + "memorySize", [], i32), i32);
    case "MemoryGrow":
      return wrapCall(rw, expr, [classes.MemoryGrow.getDelta(expr)], (ops) => module.call(PREFIX + "memoryGrow", ops, i32), i32);
    case "MemoryFill":
      return wrapCall(rw, expr, [classes.MemoryFill.getDest(expr), classes.MemoryFill.getValue(expr), classes.MemoryFill.getSize(expr)],
        (ops) => module.call(PREFIX + "memoryFill", ops, none), none);
    case "MemoryCopy":
      return wrapCall(rw, expr, [classes.MemoryCopy.getDest(expr), classes.MemoryCopy.getSource(expr), classes.MemoryCopy.getSize(expr)],
        (ops) => module.call(PREFIX + "memoryCopy", ops, none), none);
    case "Call": {
      const target = classes.Call.getTarget(expr);
      const isReturn = classes.Call.isReturn(expr);
      const operands = classes.Call.getOperands(expr);
      const results = binaryen.getFunctionInfo(module.getFunction(target)).results;
      return wrapCall(rw, expr, operands, (ops) => (isReturn ? module.return_call(target, ops, results) : module.call(target, ops, results)), isReturn ? binaryen.unreachable : type, isReturn);
    }
    case "CallIndirect": {
      const isReturn = classes.CallIndirect.isReturn(expr);
      const table = classes.CallIndirect.getTable(expr);
      const params = classes.CallIndirect.getParams(expr);
      const results = classes.CallIndirect.getResults(expr);
      const operands = [...classes.CallIndirect.getOperands(expr), classes.CallIndirect.getTarget(expr)];
      return wrapCall(rw, expr, operands, (ops) => {
        const target = ops[ops.length - 1];
        const args = ops.slice(0, -1);
        return isReturn ? module.return_call_indirect(table, target, args, params, results) : module.call_indirect(table, target, args, params, results);
      }, isReturn ? binaryen.unreachable : type, isReturn);
    }
    case "CallRef":
      return rw.refuse("call_ref (typed function references)");
    case "Return": {
      const value = classes.Return.getValue(expr);
      if (!value) return module.block(null, [...rw.leave(), expr], binaryen.unreachable);
      const vt = binaryen.getExpressionType(value);
      if (vt === binaryen.unreachable) return expr;
      const tmp = rw.temp(expr, vt, 0);
      return module.block(null, [module.local.set(tmp, value), ...rw.leave(), module.return(rw.lget(tmp, vt))], binaryen.unreachable);
    }
    default:
      return null;
  }
}

/** The function's body wrapped: the clock read at entry, flushed and the stores counted at the end. */
export function wrapBody(rw: Rewriter, body: binaryen.ExpressionRef, resultType: number): binaryen.ExpressionRef {
  const { module } = rw;
  const stmts = [...rw.reload()];
  if (resultType === none) {
    stmts.push(body, ...rw.leave());
    return module.block(null, stmts, none);
  }
  const r = rw.addVar(resultType);
  stmts.push(module.local.set(r, body), ...rw.leave(), rw.lget(r, resultType));
  return module.block(null, stmts, resultType);
}

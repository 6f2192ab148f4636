// Temporaries shared in a huge function. The rewrite gives each access locals of its own (its
// address, its pointer, a store's value) and each call one per operand and one for its result. V8
// refuses a function with more than 50,000 locals, its parameters included
// (kV8MaxWasmFunctionLocals), and a function of some 15,000 accesses passes that: binaryen's own
// largest function (19,435 accesses, an interpreter of its IR) came to 51,087. binaryen's
// coalesce-locals, which merges locals by liveness, ran for more than 14 minutes on it.
//
// So in a function whose temporaries would pass SHARE_ABOVE, they are shared by level. An access or
// call at level L (the most levels among its operands' accesses and calls: 0 with none) uses level
// L's temporaries, and while they are live only its operands run, all of them at lower levels:
//
// Before:                                   After (fast paths abridged; $ea0: level 0's address):
//   (i32.store (local.get $q)                 (local.set $ea1 (local.get $q))          ;; level 1
//     (i32.add (i32.load (local.get $a))      (local.set $v1 (i32.add
//              (i32.load (local.get $b))))      (block (local.set $ea0 (local.get $a)) ... (load $ea0))
//                                               (block (local.set $ea0 (local.get $b)) ... (load $ea0))))
//                                             ... (store $ea1 (local.get $v1))
//
// where each access had locals of its own: $ea0 and $ea0' for the loads, $ea1 and $v1 the store's.
// Every other function's locals are as they were, one set per access, so its output is unchanged.
// An access whose address local lives on after it (page runs, regions, direct translation) keeps
// its own.
import binaryen from "./binaryen.ts";
import { childrenOf, kindOf } from "./ir.ts";

/** kV8MaxWasmFunctionLocals. */
export const V8_MAX_LOCALS = 50_000;
/** Above this many locals (the function's own and the temporaries' estimate), share: the rest of
 *  the rewrite (the clock, the refill, page runs and regions) adds its own, a few per loop. */
const SHARE_ABOVE = 40_000;

/** The temporaries each kind of access or call takes, unshared: a load's address and pointer, a
 *  store's and its value; a call's operands and its result. */
const TEMPORARIES: Record<string, (e: binaryen.ExpressionRef) => number> = {
  Load: () => 2,
  Store: () => 3,
  Call: (e) => childrenOf(e).length + 1,
  CallIndirect: (e) => childrenOf(e).length + 1,
  MemorySize: () => 1,
  MemoryGrow: () => 2,
  MemoryFill: () => 3,
  MemoryCopy: () => 3,
  Return: () => 1,
};

/** The temporaries expression `e` of kind `kind` takes, unshared (0 unless an access or a call). */
export const temporariesOf = (e: binaryen.ExpressionRef, kind: string): number => TEMPORARIES[kind]?.(e) ?? 0;

/** Each access's and call's level in `fn`, when its temporaries are to be shared: `always`, or
 *  when the function's own locals and `temporaries` (its accesses' and calls', unshared) pass
 *  SHARE_ABOVE; else null. */
export function planTemporaries(fn: binaryen.FunctionRef, temporaries: number, always: boolean): Map<binaryen.ExpressionRef, number> | null {
  const info = binaryen.getFunctionInfo(fn);
  const own = binaryen.expandType(info.params).length + info.vars.length;
  if (!always && own + temporaries <= SHARE_ABOVE) return null;
  const level = new Map<binaryen.ExpressionRef, number>();
  // The number of levels in e's subtree; iterative, a huge function's body is deep.
  const height = new Map<binaryen.ExpressionRef, number>();
  const stack: [binaryen.ExpressionRef, boolean][] = [[info.body, false]];
  while (stack.length > 0) {
    const [e, childrenDone] = stack.pop()!;
    const children = childrenOf(e);
    if (!childrenDone) {
      stack.push([e, true], ...children.map((c): [binaryen.ExpressionRef, boolean] => [c, false]));
      continue;
    }
    let below = 0;
    for (const c of children) below = Math.max(below, height.get(c)!);
    if (TEMPORARIES[kindOf(e)]) level.set(e, below++);
    height.set(e, below);
  }
  return level;
}

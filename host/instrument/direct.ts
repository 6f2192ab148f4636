// Direct translation: an access whose loop steps its address by a run-time amount (a column walk,
// `p += n * 8`, as clang writes a[i][j] over i) is on a new page at almost every iteration, so
// refilling its TLB entry each time (five stores, and the old frame's stamp folded) buys nothing.
// It reads the walk table (assembly/layout.ts: a copy of the page's PTE, the frame's address less
// the page's, and the page's last walked use, on one line) at every access instead, stamps the
// page's last use there, and keeps its entry only for counting misses and for the slow path.
// Which accesses: a heuristic, since any access may be translated either way with the same result
// and figures; only the speed differs (bench/RESULTS.md, "C kernels").
//
// Before:                                   After (E: its entry, kept for its miss count):
//   (loop $L                                  (local.set $ea (local.get $p))
//     ... (f64.load (local.get $p)) ...         (if the page is resident (and dirty, for a store)
//     (local.set $p (i32.add (local.get $p)        and the access inside it:
//                            (local.get $s)))        (then count a miss of E
//     ...)                                                (i64.store offset=8 $we (local.get $clk))
//                                                         (f64.load (i32.add $ea (i32.load offset=4 $we))))
//                                                  ;; $we: walk + ($ea >> shift) * 16, the page's entry
//                                                   (else (call $__remora_slow_ld_f64_8u (local.get $ea) (i32.const E) ...)))
import binaryen from "./binaryen.ts";
import type { Rewriter } from "./context.ts";
import type { Region } from "./regions.ts";
import { affine, childrenOf, classes, kindOf } from "./ir.ts";
import { runtimeSteps } from "./page-runs.ts";

/** Marks the function's accesses to translate directly: in its innermost loop, the address has a
 *  term in a local that the loop steps by a non-constant amount. Not those of page runs, which
 *  rely on their entries; a region with such an access is given up (it relies on them too). */
export function planDirect(rw: Rewriter, root: binaryen.ExpressionRef): void {
  if (!rw.useDirect) return;
  const walk = (e: binaryen.ExpressionRef, stepped: Set<number>): void => {
    if (kindOf(e) === "Loop") stepped = runtimeSteps([e]);
    if ((kindOf(e) === "Load" || kindOf(e) === "Store") && stepped.size > 0 && !rw.fn.pageRunOf.has(e) && !rw.fn.direct.has(e)) {
      const address = affine(classes[kindOf(e)].getPtr(e), (local) => `${local}`);
      if (address?.terms.split("+").some((term) => stepped.has(Number(term.split("*")[1])))) {
        rw.fn.direct.add(e);
        rw.directCount++;
        const region = rw.fn.regionOf.get(e);
        if (region) giveUp(rw, region);
      }
    }
    childrenOf(e).forEach((child) => walk(child, stepped));
  };
  walk(root, new Set());
}

function giveUp(rw: Rewriter, region: Region): void {
  for (const access of region.accesses) rw.fn.regionOf.delete(access);
  for (const [block, regions] of rw.fn.regionsOf) {
    const kept = regions.filter((r) => r !== region);
    if (kept.length === regions.length) continue;
    if (kept.length) rw.fn.regionsOf.set(block, kept);
    else rw.fn.regionsOf.delete(block);
  }
}

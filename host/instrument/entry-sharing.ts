// Entry sharing: within a function, the loads and stores from one local's address with a small
// constant offset (the fields of one object, re and im of one complex number) share a TLB entry,
// so one refill serves them all. An entry is a cache of the page table, so any sharing is
// correct; stores test the entry's wbase, which maps only dirty pages.
//
// Before:                                   After (E: the one entry both use):
//   (f64.load (local.get $p))                 ... (i32.xor (i32.load (i32.const E)) (local.get $ea1)) ...
//   (f64.load offset=8 (local.get $p))        ... (i32.xor (i32.load (i32.const E)) (local.get $ea2)) ...
//   (local.set $p (i32.add (local.get $p) (i32.const 16)))   ;; a small step: $p still shares E
//   (f64.load (local.get $p))                 ... (i32.xor (i32.load (i32.const E)) (local.get $ea3)) ...
//   (local.set $p (call $next))                                 ;; anything else: a new version of $p
//   (f64.load (local.get $p))                 ... (i32.xor (i32.load (i32.const E')) (local.get $ea4)) ...
import binaryen from "./binaryen.ts";
import { ADDR_TLB, TLB_ENTRY_BYTES } from "../layout.ts";
import type { Rewriter } from "./context.ts";
import { affine, classes, constValue, kindOf, type Access } from "./ir.ts";

/** The largest offset from a shared base, and the largest step of a local that keeps its version. */
export const SHARE_MAX_OFFSET = 256;

/** The TLB entry address of one access whose pointer is `ptr`. */
export function entryFor(rw: Rewriter, a: Access, ptr: binaryen.ExpressionRef): number {
  const { sharedEntries, localVersions } = rw.fn;
  let key: string | undefined;
  // The fields of one record: one base (locals and globals, each times a constant) and
  // offsets that differ by a little. A local's name carries its version.
  const address = affine(ptr, (local) => `${local}@${localVersions.get(local) ?? 0}`);
  if (address && address.terms && Math.abs(address.c + a.offset) < SHARE_MAX_OFFSET) {
    key = address.terms;
    const shared = sharedEntries.get(key);
    if (shared !== undefined) return shared;
  }
  const entryAddr = ADDR_TLB + rw.sites++ * TLB_ENTRY_BYTES;
  if (key) sharedEntries.set(key, entryAddr);
  return entryAddr;
}

/** Called at each local.set, in evaluation order: bumps the local's version, except at a small
 *  step ($x = $x + 16: still the same object, or the next element), so sites share only while the
 *  local stays near. */
export function localWritten(rw: Rewriter, set: binaryen.ExpressionRef): void {
  const local = classes.LocalSet.getIndex(set);
  const value = classes.LocalSet.getValue(set);
  const step = kindOf(value) === "Binary" && classes.Binary.getOp(value) === binaryen.AddInt32
    && kindOf(classes.Binary.getLeft(value)) === "LocalGet" && classes.LocalGet.getIndex(classes.Binary.getLeft(value)) === local
    ? constValue(classes.Binary.getRight(value)) : null;
  if (step === null || Math.abs(step) >= SHARE_MAX_OFFSET) rw.fn.localVersions.set(local, (rw.fn.localVersions.get(local) ?? 0) + 1);
}

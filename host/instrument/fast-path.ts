// The fast path: every load and store tests its TLB entry (a 32-byte slot in physical memory, see
// assembly/layout.ts) inline and, on a hit, accesses the frame directly. A miss on a resident page
// is refilled from the page table: inline (no call) in small loops and small loop-free functions
// (INLINE_REFILL_ACCESSES), by one helper per access kind elsewhere; everything else goes to one
// out-of-line function per access kind, which calls the MMU.
//
// Before:                                   After ($clk: the access clock, a local of the function;
//                                           E: this instruction's TLB entry address):
//   (i32.load offset=4 (local.get $p))        (local.set $ptr (local.get $p))
//                                             (local.set $ea (i32.add (local.get $ptr) (i32.const 4)))
//                                             (local.set $clk (i64.add (local.get $clk) (i64.const 1)))
//                                             (@metadata.code.branch_hint "\01")       ;; likely
//                                             (if (i32.lt_u (i32.xor (i32.load (i32.const E)) (local.get $ptr))
//                                                           (i32.const 4089))          ;; page - 4 - 4 + 1
//                                               (then (i64.store (i32.const E+8) (local.get $clk))  ;; LRU
//                                                     (i32.load (i32.add (local.get $ea) (i32.load (i32.const E+4)))))
//                                               (else ;; $ea past 2^32: trap; $ea on E's page after all
//                                                     ;; ($ptr on the page before): the access as above;
//                                                     ;; else a miss: walk the page table, refill E, access;
//                                                     ;; if not resident: the MMU, out of line
//                                                     (call $__remora_slow_ld_i32_4u (local.get $ea) (i32.const E)
//                                                                                    (local.get $clk))))
//
// With no offset the test is on $ea itself (limit page - bytes + 1). A store is the same with the
// entry's wbase (E+20), which maps only dirty pages, in the test, and also counts itself in the
// function's store count ($stc).
import binaryen from "./binaryen.ts";
import {
  ADDR_ACCESSES, ADDR_FRAMES_BASE, ADDR_TLB_MISSES, ADDR_PT_BASE, ADDR_SCRATCH, ADDR_TOUCH_BASE, ADDR_VIRTUAL_BYTES, ADDR_WALK_BASE, PTE_DIRTY,
  PTE_FRAME_SHIFT, PTE_PRESENT, TLB_INVALID, TLB_WBASE_OFFSET, WALK_DELTA_OFFSET, WALK_ENTRY_SHIFT, WALK_STAMP_OFFSET,
} from "../layout.ts";
import type { Rewriter } from "./context.ts";
import { entryFor } from "./entry-sharing.ts";
import { accessName, classes, PREFIX, type Access } from "./ir.ts";

const { i32, i64, none } = binaryen;

/** The most accesses a loop (or a function with no loop) may have for its misses to be refilled
 *  inline: the C kernels' loops have at most 51 (conv2d's), the workloads' 28, printf's 183. */
const INLINE_REFILL_ACCESSES = 64;

/** The inlined fast path of one access `expr` (its pointer already rewritten). */
export function fastPath(rw: Rewriter, expr: binaryen.ExpressionRef, a: Access, ptr: binaryen.ExpressionRef, value: binaryen.ExpressionRef | null): binaryen.ExpressionRef {
  const { module, c32, lget, pageSize } = rw;
  const entryAddr = entryFor(rw, a, ptr);
  const isLoad = a.kind === "ld";
  if (isLoad) rw.loadSites++;
  else rw.storeSites++;
  // A page run's, a region's or a direct access's address is read after the access: its own local.
  const eaLives = rw.fn.pageRunOf.has(expr) || rw.fn.regionOf.has(expr) || rw.fn.direct.has(expr);
  const eaLocal = eaLives ? rw.addVar(i32) : rw.temp(expr, i32, 0);
  const ea = () => lget(eaLocal, i32);
  rw.fn.pageRunOf.get(expr)?.sites.set(expr, { entry: entryAddr, ea: eaLocal });
  rw.fn.regionOf.get(expr)?.sites.set(expr, { entry: entryAddr, ea: eaLocal });
  // With an offset that fits in a page, the hit test is made on the pointer itself, its room in
  // the page less the offset: a hit then cannot be an address past 2^32 (below), so only a miss
  // tests for it, two instructions fewer on every hit (hashtable's struct fields: 1532 -> 1343 ms,
  // interp 538 -> 506; bench/RESULTS.md). Not for direct accesses, which have no hit test.
  const onPointer = a.offset !== 0 && a.offset <= pageSize - a.bytes && !rw.fn.direct.has(expr);
  const ptrLocal = onPointer ? rw.temp(expr, i32, 1) : 0;
  const stmts: binaryen.ExpressionRef[] = onPointer
    ? [module.local.set(ptrLocal, ptr), module.local.set(eaLocal, module.i32.add(lget(ptrLocal, i32), c32(a.offset)))]
    : [module.local.set(eaLocal, rw.effectiveAddress(a, ptr))];
  let valueLocal = 0;
  if (!isLoad) {
    valueLocal = rw.temp(expr, a.type, 2);
    stmts.push(module.local.set(valueLocal, value!), rw.tick(rw.fn.stc));
  }
  // ptr + offset is a 33-bit address: past 2^32 it is out of bounds, where the i32 sum wraps to a
  // small address that could hit. Then trap as the access would (after a store's value, which
  // runs first): a load past any physical memory.
  const wrapTrap = () => module.if(module.i32.lt_u(ea(), c32(a.offset)), module.drop(module.i32.load(0xffffffff, 1, c32(-1))));
  if (a.offset !== 0 && !onPointer) stmts.push(wrapTrap());
  stmts.push(rw.tick(rw.fn.clk));
  // A miss is refilled inline where code repeats in a tight spot: in a loop, or in a function
  // with no loop (a small function a loop calls, likely), of at most INLINE_REFILL_ACCESSES
  // accesses. Elsewhere (code that runs once per call of its function, a loop as large as
  // printf's, an interpreter's or a C++ program's) by one helper per access kind, a call: a load
  // with an inline refill (and a region's copy) took 323 bytes, with the helper 88
  // (scripts/dev/bytes-per-access.mjs), and a module's every function is compiled when it is
  // first called, so a first run paid for them (bench/RESULTS.md, "Start-up").
  const repeats = rw.loopAccesses.at(-1) ?? (rw.fn.hasLoop ? Infinity : rw.fn.accesses);
  const inline = repeats <= INLINE_REFILL_ACCESSES || rw.fn.direct.has(expr);
  const helper = slowHelper(rw, a, !inline);
  const slow = isLoad
    ? module.call(helper, [ea(), c32(entryAddr), lget(rw.fn.clk, i64)], a.type)
    : module.call(helper, [ea(), lget(valueLocal, a.type), c32(entryAddr), lget(rw.fn.clk, i64)], none);
  if (rw.fn.direct.has(expr)) {
    stmts.push(directTranslation(rw, a, entryAddr, eaLocal, valueLocal, slow));
    return module.block(null, stmts, isLoad ? a.type : none);
  }
  // The entry's base is page-aligned: ea ^ base is ea's offset in the page when both are on one
  // page, and at least a page when not (the same test as ea - base, one instruction shorter).
  const base = () => module.i32.load(isLoad ? 0 : TLB_WBASE_OFFSET, 4, c32(entryAddr));
  const hitAt = (address: binaryen.ExpressionRef, room: number) => module.i32.lt_u(module.i32.xor(base(), address), c32(room + 1));
  const type = isLoad ? a.type : none;
  const access = () => {
    const phys = module.i32.add(ea(), module.i32.load(4, 4, c32(entryAddr)));
    const touch = module.i64.store(8, 8, c32(entryAddr), lget(rw.fn.clk, i64));
    return module.block(null, [touch, isLoad ? rw.physLoad(a, phys) : rw.physStore(a, phys, lget(valueLocal, a.type))], type);
  };
  let miss = inline ? inlineRefill(rw, a, entryAddr, eaLocal, valueLocal, slow) : slow;
  // Tested on the pointer, an access whose pointer is on the page before its address's misses
  // that test: the address's own test, after the test for 2^32, keeps it a hit, so hits and
  // misses are those of testing the address. That test is rarely true, so it is written the
  // other way round (limit > xor), which isFastPathIf does not take for a fast path to hint.
  const rareHitAtEa = () => module.i32.gt_u(c32(pageSize - a.bytes + 1), module.i32.xor(base(), ea()));
  if (onPointer) miss = module.block(null, [wrapTrap(), module.if(rareHitAtEa(), access(), miss)], type);
  const hit = onPointer ? hitAt(lget(ptrLocal, i32), pageSize - a.offset - a.bytes) : hitAt(ea(), pageSize - a.bytes);
  stmts.push(module.if(hit, access(), miss));
  return module.block(null, stmts, type);
}

/** A fast path's hit test: `if (i32.lt_u (i32.xor base ea) limit)`, hinted likely. */
export function isFastPathIf(e: binaryen.ExpressionRef): boolean {
  const { If, Binary } = classes;
  const cond = If.getCondition(e);
  if (binaryen.getExpressionId(cond) !== binaryen.BinaryId || Binary.getOp(cond) !== binaryen.LtUInt32) return false;
  const left = Binary.getLeft(cond);
  return binaryen.getExpressionId(left) === binaryen.BinaryId && Binary.getOp(left) === binaryen.XorInt32;
}

/** The out-of-line slow path of one access kind, one function per kind, for the misses the
 *  inline refill (below) leaves: the page is not resident (or not dirty, for a store), the
 *  access is out of bounds or straddles two pages. It counts the miss and calls the MMU's
 *  translate, which writes the access clock it reads from memory. With `refill`, the helper of
 *  the accesses outside loops, which have no inline refill: it first refills the entry as the
 *  inline refill does, and calls the MMU only when that cannot.
 *  Params: ea, [value,] entry address, clock. */
function slowHelper(rw: Rewriter, a: Access, refill: boolean): string {
  const { module, c32, lget } = rw;
  const name = `${PREFIX}${refill ? "refill" : "slow"}_${a.kind}_${accessName(a)}`;
  if (rw.helpers.has(name)) return name;
  rw.helpers.add(name);
  const isStore = a.kind === "st" ? 1 : 0;
  // Locals: ea 0, [value 1,] entry E, clk; then phys and the refill's.
  const P = isStore ? 1 : 0;
  const E = 1 + P, CLK = 2 + P, PHYS = 3 + P;
  const g = (i: number) => lget(i, i32);
  const access = (ptr: binaryen.ExpressionRef) => (isStore ? rw.physStore(a, ptr, lget(1, a.type)) : rw.physLoad(a, ptr));
  const countMiss = () => rw.addTo(ADDR_TLB_MISSES, module.i64.const(1n as unknown as number));
  const mmu: binaryen.ExpressionRef[] = [
    countMiss(),
    module.i64.store(0, 8, c32(ADDR_ACCESSES), lget(CLK, i64)), // the MMU reads the clock
    module.local.set(PHYS, module.call(PREFIX + "translate", [g(0), c32(a.bytes), c32(isStore), rw.entryIndex(g(E))], i32)),
    access(g(PHYS)),
  ];
  if (isStore) {
    mmu.push(module.if(module.i32.eq(g(PHYS), c32(ADDR_SCRATCH)),
      module.call(PREFIX + "commitScratch", [g(0), c32(a.bytes)], none)));
  }
  const type = isStore ? none : a.type;
  let body = module.block(null, mmu, type);
  const locals = [i32];
  if (refill) {
    const walker: Walker = { entry: () => g(E), locals: [PHYS + 1, PHYS + 2, PHYS + 3, PHYS + 4, PHYS + 5, PHYS + 6, PHYS + 7], clock: () => lget(CLK, i64), countMiss };
    locals.push(i32, i32, i32, i32, i32, i64, i64);
    body = refillThen(rw, walker, a, 0, P, body);
  }
  const params = isStore ? [i32, a.type, i32, i64] : [i32, i32, i64];
  module.addFunction(name, binaryen.createType(params), type, locals, body);
  return name;
}

/** A TLB miss handled in place, without a call: walk the page table and, if the page is
 *  resident (and already dirty, for a store) and the access stays inside its page, refill the
 *  entry as the MMU's pagePhysical() does and access the frame; otherwise `slow` (the helper that
 *  calls the MMU). Unlike pagePhysical it does not write the frame's last-use time: the entry's
 *  own stamp (the clock now) is folded into it before the MMU ever compares frames
 *  (foldAllEntries), or when the entry is refilled again. Inlined in loops because a call per
 *  miss cost eventsim, with about 40% of its accesses missing, 10% of its time. */
function inlineRefill(rw: Rewriter, a: Access, entryAddr: number, eaLocal: number, valueLocal: number, slow: binaryen.ExpressionRef): binaryen.ExpressionRef {
  return refillThen(rw, inFunction(rw, entryAddr), a, eaLocal, valueLocal, slow);
}

/** What a page-table walk (pageWalk) uses: its scratch locals, how it counts a miss (none: its
 *  caller counts), and where the walk table and the size of virtual memory are (by default read
 *  from memory at each walk; page-runs.ts reads them once, before its unchecked iterations). */
export interface WalkPlace {
  /** PTE, frame, and for a refill fbase, touch base, the old frame's last-use slot (i32 locals), the
   *  entry's stamp and the frame's last use (i64 locals). */
  locals: number[];
  countMiss?: () => binaryen.ExpressionRef;
  virtualBytes?: () => binaryen.ExpressionRef;
  /** For a walked or directly translated access: walk the walk table, not the page table
   *  (assembly/layout.ts), leaving the page's entry address in this local (and no frame number). */
  walkEntry?: number;
  walkBase?: () => binaryen.ExpressionRef;
}

/** How a refill reaches its entry and the clock, besides its walk: inline, in the function being
 *  rewritten (its locals, a constant entry); or in a helper (its own). */
interface Walker extends WalkPlace {
  entry: () => binaryen.ExpressionRef;
  clock: () => binaryen.ExpressionRef;
}

/** The walker of the function being rewritten, for entry E. */
function inFunction(rw: Rewriter, E: number): Walker {
  rw.fn.refillLocals ??= [rw.addVar(i32), rw.addVar(i32), rw.addVar(i32), rw.addVar(i32), rw.addVar(i32), rw.addVar(i64), rw.addVar(i64)];
  return { entry: () => rw.c32(E), locals: rw.fn.refillLocals, clock: () => rw.lget(rw.fn.clk, i64), countMiss: rw.countMiss };
}

/** The walk and refill, then the access at the frame; `otherwise` when the walk fails. */
function refillThen(rw: Rewriter, w: Walker, a: Access, eaLocal: number, valueLocal: number, otherwise: binaryen.ExpressionRef): binaryen.ExpressionRef {
  const { module, c32, lget, pageSize } = rw;
  const slowLabel = `${PREFIX}walk${++rw.labels.refill}`, done = `${PREFIX}done${rw.labels.refill}`; // unique in the function
  const walk = [...pageWalk(rw, w, a.bytes, a.kind === "st", eaLocal, slowLabel), ...refillEntry(rw, w, a.kind === "st", eaLocal)];
  const [, , FBASE] = w.locals;
  const at = module.i32.add(lget(FBASE, i32), module.i32.and(lget(eaLocal, i32), c32(pageSize - 1)));
  if (a.kind === "st") {
    walk.push(rw.physStore(a, at, lget(valueLocal, a.type)), module.br(done));
    return module.block(done, [module.block(slowLabel, walk), otherwise]);
  }
  walk.push(module.br(done, undefined, rw.physLoad(a, at)));
  return module.block(done, [module.block(slowLabel, walk), otherwise], a.type);
}

/** An access translated through the walk table, not its entry (direct.ts): the same checks as the
 *  refill's walk, then the page's last use stamped and the access made; otherwise `slow`. */
function directTranslation(rw: Rewriter, a: Access, E: number, eaLocal: number, valueLocal: number, slow: binaryen.ExpressionRef): binaryen.ExpressionRef {
  const { module, lget } = rw;
  const slowLabel = `${PREFIX}walk${++rw.labels.refill}`, done = `${PREFIX}done${rw.labels.refill}`; // unique in the function
  const walker = inFunction(rw, E);
  const ENTRY = walker.locals[2]; // the walk table's entry of the page
  const walk = pageWalk(rw, { ...walker, walkEntry: ENTRY }, a.bytes, a.kind === "st", eaLocal, slowLabel);
  walk.push(module.i64.store(WALK_STAMP_OFFSET, 8, lget(ENTRY, i32), lget(rw.fn.clk, i64)));
  const at = module.i32.add(lget(eaLocal, i32), module.i32.load(WALK_DELTA_OFFSET, 4, lget(ENTRY, i32)));
  if (a.kind === "st") {
    walk.push(rw.physStore(a, at, lget(valueLocal, a.type)), module.br(done));
    return module.block(done, [module.block(slowLabel, walk), slow]);
  }
  walk.push(module.br(done, undefined, rw.physLoad(a, at)));
  return module.block(done, [module.block(slowLabel, walk), slow], a.type);
}

/** The page-table walk of a miss for `bytes` at the address in eaLocal: branches to `fail`
 *  unless the page is resident (and dirty, for a store) and the bytes stay inside it; counts the
 *  miss and leaves the PTE and the frame number in the walk's first two locals (with walkEntry:
 *  the PTE, and the walk table entry's address in walkEntry). */
export function pageWalk(rw: Rewriter, w: WalkPlace, bytes: number, isStore: boolean, eaLocal: number, fail: string): binaryen.ExpressionRef[] {
  const { module, c32, lget, pageSize } = rw;
  const [PTE, FRAME] = w.locals;
  const shift = Math.log2(pageSize);
  const mask = pageSize - 1;
  const g = (i: number) => lget(i, i32);
  const ld32 = (addr: number) => module.i32.load(0, 4, c32(addr));
  const want = PTE_PRESENT | (isStore ? PTE_DIRTY : 0);
  const walk: binaryen.ExpressionRef[] = [];
  // Straddling: its offset in the page past pageSize - bytes (the same as offset + bytes past
  // pageSize, which cannot overflow, one instruction shorter).
  if (bytes > 1) walk.push(module.br(fail, module.i32.gt_u(module.i32.and(g(eaLocal), c32(mask)), c32(pageSize - bytes))));
  const page = module.i32.shr_u(g(eaLocal), c32(shift));
  walk.push(module.br(fail, module.i32.ge_u(g(eaLocal), w.virtualBytes?.() ?? ld32(ADDR_VIRTUAL_BYTES))));
  if (w.walkEntry !== undefined) {
    walk.push(
      module.local.set(w.walkEntry, module.i32.add(w.walkBase?.() ?? ld32(ADDR_WALK_BASE), module.i32.shl(page, c32(WALK_ENTRY_SHIFT)))),
      module.local.set(PTE, module.i32.load(0, 4, g(w.walkEntry))),
    );
  } else {
    walk.push(module.local.set(PTE, module.i32.load(0, 4, module.i32.add(ld32(ADDR_PT_BASE), module.i32.shl(page, c32(2))))));
  }
  walk.push(
    // Not resident (or, for a store, not dirty); a load's test is a single bit's.
    module.br(fail, isStore ? module.i32.ne(module.i32.and(g(PTE), c32(want)), c32(want)) : module.i32.eqz(module.i32.and(g(PTE), c32(want)))),
  );
  if (w.countMiss) walk.push(w.countMiss());
  if (w.walkEntry === undefined) walk.push(module.local.set(FRAME, module.i32.shr_u(g(PTE), c32(PTE_FRAME_SHIFT))));
  return walk;
}

/** The page-table walk and refill of entry E for `bytes` at the address in eaLocal: branches to
 *  `fail` unless the page is resident (and dirty, for a store) and the bytes stay inside it;
 *  leaves the frame's address in the refill local fbase. Regions (regions.ts) use it too. */
export function refillWalk(rw: Rewriter, bytes: number, isStore: boolean, E: number, eaLocal: number, fail: string): binaryen.ExpressionRef[] {
  const w = inFunction(rw, E);
  return [...pageWalk(rw, w, bytes, isStore, eaLocal, fail), ...refillEntry(rw, w, isStore, eaLocal)];
}

/** The refill of the walker's entry with the page at eaLocal, after its walk: the old frame's
 *  stamp folded, the entry rewritten, the frame's address left in the fbase local. */
function refillEntry(rw: Rewriter, w: Walker, isStore: boolean, eaLocal: number): binaryen.ExpressionRef[] {
  const { module, c32, lget, pageSize } = rw;
  const [PTE, FRAME, FBASE, TB, OLD, HIT, USE] = w.locals;
  const shift = Math.log2(pageSize);
  const mask = pageSize - 1;
  const g = (i: number) => lget(i, i32);
  const ld32 = (addr: number) => module.i32.load(0, 4, c32(addr));
  const E = w.entry;
  return [
    module.local.set(FBASE, module.i32.add(ld32(ADDR_FRAMES_BASE), module.i32.shl(g(FRAME), c32(shift)))),
    module.local.set(TB, ld32(ADDR_TOUCH_BASE)),
    // The entry's hits so far were uses of its old frame: the later of its stamp and the frame's
    // last use is kept, without a branch (an empty entry's NO_FRAME wraps to a slot the MMU keeps
    // before the table for it).
    module.local.set(OLD, module.i32.add(g(TB), module.i32.shl(module.i32.load(16, 4, E()), c32(3)))),
    module.local.set(HIT, module.i64.load(8, 8, E())),
    module.local.set(USE, module.i64.load(0, 8, g(OLD))),
    module.i64.store(0, 8, g(OLD), module.select(module.i64.gt_u(lget(HIT, i64), lget(USE, i64)), lget(HIT, i64), lget(USE, i64))),
    module.i32.store(0, 4, E(), module.i32.and(g(eaLocal), c32(~mask))),
    module.i32.store(TLB_WBASE_OFFSET, 4, E(), isStore ? module.i32.and(g(eaLocal), c32(~mask))
      : module.select(module.i32.and(g(PTE), c32(PTE_DIRTY)), module.i32.and(g(eaLocal), c32(~mask)), c32(TLB_INVALID))),
    module.i32.store(4, 4, E(), module.i32.sub(g(FBASE), module.i32.and(g(eaLocal), c32(~mask)))),
    module.i64.store(8, 8, E(), w.clock()),
    module.i32.store(16, 4, E(), g(FRAME)),
  ];
}

// The instrumenter, remora's ATOM: a Binaryen rewrite that sends every memory access of a module
// through the emulated MMU (assembly/mmu.ts). Each load and store gets a TLB entry (a 32-byte
// slot in physical memory, see assembly/layout.ts; shared by a function's loads, or its stores,
// from one unchanged local with small offsets) and an inlined fast path. A miss on a resident
// page is refilled in place from the page table, also inlined (no call); everything else goes to
// one out-of-line function per access kind, which calls the MMU, which shares the module's (now
// physical) memory.
//
// Before:                                   After ($clk: the access clock, a local of the function;
//                                           E: this instruction's TLB entry address):
//   (i32.load offset=4 (local.get $p))        (local.set $ea (i32.add (local.get $p) (i32.const 4)))
//                                             (local.set $clk (i64.add (local.get $clk) (i64.const 1)))
//                                             (@metadata.code.branch_hint "\01")       ;; likely
//                                             (if (i32.lt_u (i32.xor (i32.load (i32.const E)) (local.get $ea))
//                                                           (i32.const 4093))          ;; page - 4 + 1
//                                               (then (i64.store (i32.const E+8) (local.get $clk))  ;; LRU
//                                                     (i32.load (i32.add (local.get $ea) (i32.load (i32.const E+4)))))
//                                               (else ;; a miss: walk the page table, refill E, access;
//                                                     ;; if not resident: the MMU, out of line
//                                                     (call $__remora_slow_ld_i32_4u (local.get $ea) (i32.const E)
//                                                                                    (local.get $clk))))
//   (call $f (x))                             x evaluated, $clk written to memory, (call $f ...),
//                                             $clk read back (the store count is added at return)
//   (memory.grow (x))                         (call $__remora_memoryGrow (x))   ;; an MMU import
//   (memory.fill / memory.copy / memory.size) likewise call into the MMU
//   (data (i32.const 1024) "...")             removed: the host writes it through the MMU
//
// Refused before running, naming the instruction and its function: atomics, SIMD loads/stores
// other than v128.load/v128.store, memory.init, typed function references and GC instructions;
// and by module: a second memory, memory64, shared memory.

import binaryen from "binaryen";
import {
  ADDR_ACCESSES, ADDR_FRAMES_BASE, ADDR_PT_BASE, ADDR_SCRATCH, ADDR_STORES, ADDR_TLB, ADDR_TOUCH_BASE, TLB_MISSES_OFFSET,
  ADDR_VIRTUAL_BYTES, NO_FRAME, PTE_DIRTY, PTE_FRAME_SHIFT, PTE_PRESENT, TLB_ENTRY_BYTES, TLB_INVALID, TLB_WBASE_OFFSET,
} from "./layout.ts";
import { emitWithBranchHints } from "./branch-hints.ts";
import { readMemoryFacts, WasmFormatError } from "./wasm-sections.ts";

export class InstrumentError extends Error {}

export interface DataSegment {
  offset: number;
  data: Uint8Array;
}

export interface Instrumented {
  /** The rewritten module: imports "env" "memory" (physical) and the MMU's functions as "mmu". */
  binary: Uint8Array;
  /** Loops rewritten as page runs: checked once per page crossing, not at every access. */
  pageRuns: number;
  /** Straight regions with an unchecked copy: checked once per entry, not at every access. */
  regions: number;
  /** TLB entries needed: one per load/store site (or group of sites sharing one), plus entry 0 (none). */
  tlbEntries: number;
  loadSites: number;
  storeSites: number;
  /** The original module's memory, which becomes virtual memory. */
  initialWasmPages: number;
  maxWasmPages: number;
  /** Active data segments, to be written into virtual memory by the host. */
  dataSegments: DataSegment[];
}

const FEATURES = binaryen.Features.All & ~(binaryen.Features as unknown as Record<string, number>).CompactImports;
const PREFIX = "__remora_";
const MMU_IMPORTS: [string, number[], number][] = [
  ["translate", [binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32], binaryen.i32],
  ["commitScratch", [binaryen.i32, binaryen.i32], binaryen.none],
  ["memorySize", [], binaryen.i32],
  ["memoryGrow", [binaryen.i32], binaryen.i32],
  ["memoryFill", [binaryen.i32, binaryen.i32, binaryen.i32], binaryen.none],
  ["memoryCopy", [binaryen.i32, binaryen.i32, binaryen.i32], binaryen.none],
];

/** binaryen.js's per-kind accessor classes (binaryen.Load.getPtr, ...), which its typings omit. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const classes = binaryen as unknown as Record<string, Record<string, (...args: any[]) => any>>;
/** Data segment accessors, also missing from the typings. */
interface DataSegments {
  getNumDataSegments(): number;
  getDataSegmentByIndex(i: number): number;
  getDataSegmentInfo(segment: number): { offset: number; data: ArrayBuffer; passive: boolean };
}

/** Children of each expression kind, by the binaryen.js accessor names. Kinds missing here are
 *  refused by name, so nothing slips past the MMU unseen. */
const SCALAR_CHILDREN: Record<string, string[]> = {
  If: ["Condition", "IfTrue", "IfFalse"], Loop: ["Body"], Break: ["Condition", "Value"],
  Switch: ["Condition", "Value"], CallIndirect: ["Target"], LocalSet: ["Value"], GlobalSet: ["Value"],
  Load: ["Ptr"], Store: ["Ptr", "Value"], Unary: ["Value"], Binary: ["Left", "Right"],
  Select: ["IfTrue", "IfFalse", "Condition"], Drop: ["Value"], Return: ["Value"], MemoryGrow: ["Delta"],
  MemoryCopy: ["Dest", "Source", "Size"], MemoryFill: ["Dest", "Value", "Size"],
  SIMDExtract: ["Vec"], SIMDReplace: ["Vec", "Value"], SIMDShuffle: ["Left", "Right"],
  SIMDTernary: ["A", "B", "C"], SIMDShift: ["Vec", "Shift"], RefIsNull: ["Value"], RefAs: ["Value"],
  RefEq: ["Left", "Right"], TableGet: ["Index"], TableSet: ["Index", "Value"], TableGrow: ["Value", "Delta"],
  TupleExtract: ["Tuple"], Try: ["Body"], CallRef: ["Target"],
};
const LIST_CHILDREN: Record<string, [count: string, at: string]> = {
  Block: ["getNumChildren", "ChildAt"], Call: ["getNumOperands", "OperandAt"],
  CallIndirect: ["getNumOperands", "OperandAt"], Throw: ["getNumOperands", "OperandAt"],
  TupleMake: ["getNumOperands", "OperandAt"], Try: ["getNumCatchBodies", "CatchBodyAt"],
  CallRef: ["getNumOperands", "OperandAt"],
};
const LEAVES = new Set([
  "LocalGet", "GlobalGet", "Const", "Nop", "Unreachable", "MemorySize", "DataDrop", "RefNull",
  "RefFunc", "TableSize", "Rethrow", "Pop",
]);
const REFUSED: Record<string, string> = {
  AtomicRMW: "atomic read-modify-write (*.atomic.rmw.*)", AtomicCmpxchg: "atomic compare-exchange (*.atomic.rmw.cmpxchg)",
  AtomicWait: "memory.atomic.wait", AtomicNotify: "memory.atomic.notify", AtomicFence: "atomic.fence",
  SIMDLoad: "a SIMD load (v128.load*_splat/extend/zero)", SIMDLoadStoreLane: "a SIMD lane load/store (v128.load*_lane/store*_lane)",
  MemoryInit: "memory.init",
};

/** Kind names by expression id, from binaryen's constants (LoadId, ...). Any kind not named in
 *  the tables above has no entry and is refused as "unknown". */
const KIND_BY_ID = new Map<number, string>();
for (const kind of [...Object.keys(SCALAR_CHILDREN), ...Object.keys(LIST_CHILDREN), ...LEAVES, ...Object.keys(REFUSED)]) {
  const id = (binaryen as unknown as Record<string, number>)[`${kind}Id`];
  if (typeof id === "number") KIND_BY_ID.set(id, kind);
}

const kindOf = (e: binaryen.ExpressionRef): string => KIND_BY_ID.get(binaryen.getExpressionId(e)) ?? "unknown";
/** The value of an i32 constant, or null for any other expression. */
const constValue = (e: binaryen.ExpressionRef): number | null =>
  (kindOf(e) === "Const" ? (binaryen.getExpressionInfo(e) as unknown as { value: number }).value : null);

/** An i32 address as a sum of terms (locals and globals, each times a constant) and a constant,
 *  in i32 arithmetic: `terms` names the sum canonically, so two addresses with equal terms differ
 *  by their constants exactly. A local.tee counts as its local (the value later gets read). Null
 *  for anything else (a load, a division, ...). */
function affine(e: binaryen.ExpressionRef, localName: (index: number) => string): { terms: string; c: number } | null {
  const terms = new Map<string, number>();
  let c = 0;
  const term = (name: string, k: number) => terms.set(name, ((terms.get(name) ?? 0) + k) | 0);
  const add = (x: binaryen.ExpressionRef, k: number): boolean => {
    const kind = kindOf(x);
    const cls = classes[kind];
    switch (kind) {
      case "Const": {
        const v = constValue(x);
        if (v === null) return false;
        c = (c + Math.imul(k, v)) | 0;
        return true;
      }
      case "LocalGet": term(localName(cls.getIndex(x)), k); return true;
      case "LocalSet": if (!cls.isTee(x)) return false; term(localName(cls.getIndex(x)), k); return true;
      case "GlobalGet": term(`$${cls.getName(x)}`, k); return true;
      case "Binary": {
        const [l, r] = [cls.getLeft(x), cls.getRight(x)];
        switch (cls.getOp(x)) {
          case binaryen.AddInt32: return add(l, k) && add(r, k);
          case binaryen.SubInt32: return add(l, k) && add(r, -k | 0);
          case binaryen.ShlInt32: return constValue(r) !== null && add(l, Math.imul(k, 2 ** (constValue(r)! & 31) | 0));
          case binaryen.MulInt32:
            if (constValue(r) !== null) return add(l, Math.imul(k, constValue(r)!));
            return constValue(l) !== null && add(r, Math.imul(k, constValue(l)!));
          default: return false;
        }
      }
      default: return false;
    }
  };
  if (!add(e, 1)) return null;
  return { terms: [...terms].filter(([, k]) => k !== 0).map(([name, k]) => `${k}*${name}`).sort().join("+"), c };
}

/** An expression's children, in evaluation order. */
function childrenOf(e: binaryen.ExpressionRef): binaryen.ExpressionRef[] {
  const kind = kindOf(e);
  const cls = classes[kind];
  const children: binaryen.ExpressionRef[] = [];
  for (const field of SCALAR_CHILDREN[kind] ?? []) {
    const child = cls[`get${field}`](e);
    if (child) children.push(child);
  }
  const list = LIST_CHILDREN[kind];
  if (list) for (let i = 0, n = cls[list[0]](e); i < n; i++) children.push(cls[`get${list[1]}`](e, i));
  return children;
}

type Access = { kind: "ld" | "st"; type: number; bytes: number; signed: boolean; offset: number };
/** A page run: a loop whose accesses each advance by a fixed stride per iteration (see
 *  planPageRun), so one checked iteration tells how many more stay on their pages. */
interface PageRun {
  /** The original accesses of the loop body, in evaluation order, and each one's stride in bytes. */
  accesses: binaryen.ExpressionRef[];
  strides: number[];
  /** Copies of the body's statements (all but the closing br), made before instrumenting, and the
   *  accesses in them in the same order: the unchecked version of an iteration. */
  fastStatements: binaryen.ExpressionRef[];
  fastAccesses: binaryen.ExpressionRef[];
  /** Each access's TLB entry and effective-address local, recorded as it is instrumented. */
  sites: Map<binaryen.ExpressionRef, { entry: number; ea: number }>;
}

export interface InstrumentOptions {
  /** Rewrite strided loops as page runs and straight code as regions (see pageRunLoop and
   *  regionBlock); false checks every access. Default true. */
  pageRuns?: boolean;
}

export function instrument(bytes: Uint8Array, pageSize: number, options: InstrumentOptions = {}): Instrumented {
  let facts;
  try {
    facts = readMemoryFacts(bytes);
  } catch (e) {
    if (e instanceof WasmFormatError) throw new InstrumentError(`malformed module: ${e.message}`);
    throw e;
  }
  if (facts.memories > 1) throw new InstrumentError(`module has ${facts.memories} memories; remora emulates one (multi-memory is not supported)`);
  if (facts.memory64) throw new InstrumentError("module uses memory64; remora emulates a 32-bit memory");
  if (facts.shared) throw new InstrumentError("module has a shared memory (threads); remora runs single-threaded modules");
  if (!WebAssembly.validate(bytes as Uint8Array<ArrayBuffer>)) throw new InstrumentError("malformed module: WebAssembly.validate rejects it");

  let module: binaryen.Module;
  try {
    module = binaryen.readBinary(bytes);
  } catch (e) {
    throw new InstrumentError(`malformed module: ${(e as Error).message}`);
  }
  try {
    module.setFeatures(FEATURES);
    return rewrite(module, pageSize, facts.memories === 1, options.pageRuns ?? true);
  } finally {
    module.dispose();
  }
}

function rewrite(module: binaryen.Module, pageSize: number, hasMemory: boolean, usePageRuns: boolean): Instrumented {
  const { i32, i64, none } = binaryen;
  let initialWasmPages = 0;
  let maxWasmPages = 65536;
  const dataSegments: DataSegment[] = [];
  if (hasMemory) {
    const info = module.getMemoryInfo() as { initial: number; max?: number; module: string | null; base: string | null };
    initialWasmPages = info.initial;
    if (info.max !== undefined) maxWasmPages = info.max;
    const segments = module as unknown as DataSegments;
    for (let i = 0; i < segments.getNumDataSegments(); i++) {
      const seg = segments.getDataSegmentInfo(segments.getDataSegmentByIndex(i));
      if (seg.passive) throw new InstrumentError("module has a passive data segment (memory.init is not supported)");
      dataSegments.push({ offset: seg.offset >>> 0, data: new Uint8Array(seg.data.slice(0)) });
    }
    for (let i = module.getNumExports() - 1; i >= 0; i--) {
      const exp = binaryen.getExportInfo(module.getExportByIndex(i));
      if (exp.kind === binaryen.ExternalMemory) module.removeExport(exp.name);
    }
  }
  // The module's memory becomes the physical memory, imported and shared with the MMU.
  module.setMemory(0, 65536, null, [], false, false, "0");
  module.addMemoryImport("0", "env", "memory");
  for (const [name, params, result] of MMU_IMPORTS) {
    module.addFunctionImport(PREFIX + name, "mmu", name, binaryen.createType(params), result);
  }

  const helpers = new Set<string>();
  let sites = 1; // entry 0 means "no entry"
  let loadSites = 0;
  let storeSites = 0;

  const typeName = (t: number): string => {
    switch (t) {
      case binaryen.i32: return "i32";
      case binaryen.i64: return "i64";
      case binaryen.f32: return "f32";
      case binaryen.f64: return "f64";
      case binaryen.v128: return "v128";
      default: throw new Error(`unexpected access type ${t}`);
    }
  };
  const accessName = (a: Access): string =>
    `${typeName(a.type)}_${a.bytes}${a.signed ? "s" : "u"}`;

  // Builds the physical access itself: load/store of the same width and type at `ptr`.
  const physLoad = (a: Access, ptr: binaryen.ExpressionRef, offset = 0): binaryen.ExpressionRef => {
    const t = typeName(a.type);
    const m = (module as any)[t];
    if (t === "v128") return module.v128.load(offset, 16, ptr);
    if (a.bytes === 8 || (a.bytes === 4 && (t === "i32" || t === "f32"))) return m.load(offset, a.bytes, ptr);
    return m[`load${a.bytes * 8}_${a.signed ? "s" : "u"}`](offset, a.bytes, ptr);
  };
  const physStore = (a: Access, ptr: binaryen.ExpressionRef, value: binaryen.ExpressionRef, offset = 0): binaryen.ExpressionRef => {
    const t = typeName(a.type);
    const m = (module as any)[t];
    if (t === "v128") return module.v128.store(offset, 16, ptr, value);
    if (a.bytes === 8 || (a.bytes === 4 && (t === "i32" || t === "f32"))) return m.store(offset, a.bytes, ptr, value);
    return m[`store${a.bytes * 8}`](offset, a.bytes, ptr, value);
  };
  const c32 = (x: number) => module.i32.const(x);
  /** What a load or store expression does: kind, type, width, signedness, constant offset. */
  const accessOf = (e: binaryen.ExpressionRef): Access => {
    if (kindOf(e) === "Load") {
      const info = binaryen.getExpressionInfo(e) as binaryen.LoadInfo;
      return { kind: "ld", type: info.type, bytes: info.bytes, signed: info.isSigned, offset: info.offset >>> 0 };
    }
    const info = binaryen.getExpressionInfo(e) as binaryen.StoreInfo;
    return { kind: "st", type: classes.Store.getValueType(e), bytes: info.bytes, signed: false, offset: info.offset >>> 0 };
  };
  /** The virtual address an access reaches: its pointer plus its constant offset. */
  const effectiveAddress = (a: Access, ptr: binaryen.ExpressionRef) => (a.offset === 0 ? ptr : module.i32.add(ptr, c32(a.offset)));
  const entryIndex = (entryAddr: binaryen.ExpressionRef) =>
    module.i32.shr_u(module.i32.sub(entryAddr, c32(ADDR_TLB)), c32(Math.log2(TLB_ENTRY_BYTES)));

  /** The out-of-line slow path of one access kind, one function per kind, for the misses the
   *  inline refill (below) leaves: the page is not resident (or not dirty, for a store), the
   *  access is out of bounds or straddles two pages. It counts the miss and calls the MMU's
   *  translate, which writes the access clock it reads from memory.
   *  Params: ea, [value,] entry address, clock. */
  const slowHelper = (a: Access): string => {
    const name = `${PREFIX}slow_${a.kind}_${accessName(a)}`;
    if (helpers.has(name)) return name;
    helpers.add(name);
    const isStore = a.kind === "st" ? 1 : 0;
    // Locals: ea 0, [value 1,] entry E, clk; then phys.
    const P = isStore ? 1 : 0;
    const E = 1 + P, CLK = 2 + P, PHYS = 3 + P;
    const g = (i: number) => lget(i, i32);
    const access = (ptr: binaryen.ExpressionRef) => (isStore ? physStore(a, ptr, lget(1, a.type)) : physLoad(a, ptr));
    const body: binaryen.ExpressionRef[] = [
      countMiss(() => g(E)),
      module.i64.store(0, 8, c32(ADDR_ACCESSES), lget(CLK, i64)), // the MMU reads the clock
      module.local.set(PHYS, module.call(PREFIX + "translate", [g(0), c32(a.bytes), c32(isStore), entryIndex(g(E))], i32)),
      access(g(PHYS)),
    ];
    if (isStore) {
      body.push(module.if(module.i32.eq(g(PHYS), c32(ADDR_SCRATCH)),
        module.call(PREFIX + "commitScratch", [g(0), c32(a.bytes)], none)));
    }
    const params = isStore ? [i32, a.type, i32, i64] : [i32, i32, i64];
    module.addFunction(name, binaryen.createType(params), isStore ? none : a.type, [i32], module.block(null, body, isStore ? none : a.type));
    return name;
  };

  const refuse = (what: string, fn: string): never => {
    throw new InstrumentError(`cannot emulate ${what} in function ${fn}`);
  };

  // Per function: the access clock and the store count live in two i64 locals (registers, not a
  // memory round trip per access). The clock is written to physical memory before every call and
  // return and read back after every call, so the MMU and callees see it exact. The store count
  // is only ever added to (here and by the MMU) and read when the run is over: a function counts
  // its own stores from 0 and adds them to memory when it returns.
  let fnRef = 0;
  let fnName = "";
  let clk = 0;
  let stc = 0;
  const addVar = (type: number): number => (binaryen as any)._BinaryenFunctionAddVar(fnRef, type);
  const lget = (index: number, type: number) => module.local.get(index, type);
  const flush = () => [module.i64.store(0, 8, c32(ADDR_ACCESSES), lget(clk, i64))];
  const reload = () => [module.local.set(clk, module.i64.load(0, 8, c32(ADDR_ACCESSES)))];
  /** Before the function returns (or tail-calls): the clock, and its stores added to the count. */
  const leave = () => [...flush(), module.i64.store(0, 8, c32(ADDR_STORES), module.i64.add(module.i64.load(0, 8, c32(ADDR_STORES)), lget(stc, i64)))];
  const tick = (index: number) => module.local.set(index, module.i64.add(lget(index, i64), module.i64.const(1n as unknown as number)));
  /** Adds one to the miss count of the TLB entry whose address `entry` makes (called twice: an
   *  expression has one parent). */
  const countMiss = (entry: () => binaryen.ExpressionRef) =>
    module.i64.store(TLB_MISSES_OFFSET, 8, entry(), module.i64.add(module.i64.load(TLB_MISSES_OFFSET, 8, entry()), module.i64.const(1n as unknown as number)));

  /** A call with its operands evaluated first, then the counters flushed, then re-read. */
  const wrapCall = (operands: binaryen.ExpressionRef[], makeCall: (ops: binaryen.ExpressionRef[]) => binaryen.ExpressionRef, resultType: number, isReturn = false): binaryen.ExpressionRef => {
    const stmts: binaryen.ExpressionRef[] = [];
    const ops = operands.map((op) => {
      const type = binaryen.getExpressionType(op);
      if (type === binaryen.unreachable) return op;
      const tmp = addVar(type);
      stmts.push(module.local.set(tmp, op));
      return lget(tmp, type);
    });
    if (operands.some((op) => binaryen.getExpressionType(op) === binaryen.unreachable)) {
      return makeCall(operands); // never reaches the call
    }
    stmts.push(...(isReturn ? leave() : flush()));
    const call = makeCall(ops);
    if (isReturn) return module.block(null, [...stmts, call], binaryen.unreachable);
    if (resultType === none || resultType === binaryen.unreachable) {
      return module.block(null, [...stmts, call, ...reload()], resultType === none ? none : binaryen.unreachable);
    }
    const result = addVar(resultType);
    return module.block(null, [...stmts, module.local.set(result, call), ...reload(), lget(result, resultType)], resultType);
  };

  /** The TLB entry of one access. Within a function, the loads and stores from one local's
   *  address with a small constant offset (the fields of one object, re and im of one complex
   *  number) share an entry: one refill serves them all. An entry is a cache of the page table,
   *  so any sharing is correct; stores test the entry's wbase, which maps only dirty pages. */
  let sharedEntries = new Map<string, number>();
  /** Bumped at each local.set, in evaluation order, except a small step ($x = $x + 16: still the
   *  same object, or the next element): sites share only while the local stays near. */
  let localVersions = new Map<number, number>();
  const SHARE_MAX_OFFSET = 256;
  const entryFor = (a: Access, ptr: binaryen.ExpressionRef): number => {
    let key: string | undefined;
    // The fields of one record: one base (locals and globals, each times a constant) and
    // offsets that differ by a little. A local's name carries its version.
    const address = affine(ptr, (local) => `${local}@${localVersions.get(local) ?? 0}`);
    if (address && address.terms && Math.abs(address.c + a.offset) < SHARE_MAX_OFFSET) {
      key = address.terms;
      const shared = sharedEntries.get(key);
      if (shared !== undefined) return shared;
    }
    const entryAddr = ADDR_TLB + sites++ * TLB_ENTRY_BYTES;
    if (key) sharedEntries.set(key, entryAddr);
    return entryAddr;
  };

  // ---- Page runs: a loop checked once per page, not once per access ----
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
  let pageRuns = new Map<binaryen.ExpressionRef, PageRun>();
  let pageRunOf = new Map<binaryen.ExpressionRef, PageRun>();
  class NotAPageRun extends Error {}
  const AFFINE_OPS = new Map<number, (l: number, r: number, right: binaryen.ExpressionRef) => number | null>([
    [binaryen.AddInt32, (l, r) => l + r],
    [binaryen.SubInt32, (l, r) => l - r],
    [binaryen.ShlInt32, (l, r, right) => (r === 0 && constValue(right) !== null ? l * 2 ** (constValue(right)! & 31) : null)],
    [binaryen.MulInt32, (l, r, right) => (r === 0 && constValue(right) !== null ? l * constValue(right)! : null)],
  ]);

  /** The loop's page run, or null when it does not have the shape above. */
  const planPageRun = (loop: binaryen.ExpressionRef): PageRun | null => {
    const name = classes.Loop.getName(loop);
    const iff = classes.Loop.getBody(loop);
    if (!name || kindOf(iff) !== "If" || classes.If.getIfFalse(iff)) return null;
    const block = classes.If.getIfTrue(iff);
    if (kindOf(block) !== "Block") return null;
    const n = classes.Block.getNumChildren(block);
    const last = n > 1 ? classes.Block.getChildAt(block, n - 1) : 0;
    if (!last || kindOf(last) !== "Break" || classes.Break.getName(last) !== name || classes.Break.getCondition(last) || classes.Break.getValue(last)) return null;
    const statements = Array.from({ length: n - 1 }, (_, i) => classes.Block.getChildAt(block, i));

    const cond = classes.If.getCondition(iff);
    // How often each local is set in the loop (the condition included).
    const setCount = new Map<number, number>();
    const setGlobals = new Set<string>(); // e.g. a random generator's state
    const countSets = (e: binaryen.ExpressionRef): void => {
      if (kindOf(e) === "LocalSet") setCount.set(classes.LocalSet.getIndex(e), (setCount.get(classes.LocalSet.getIndex(e)) ?? 0) + 1);
      if (kindOf(e) === "GlobalSet") setGlobals.add(classes.GlobalSet.getName(e));
      childrenOf(e).forEach(countSets);
    };
    [cond, ...statements].forEach(countSets);
    // Induction locals: each set once, by a top-level statement $x = $x + c; c is its step.
    const steps = new Map<number, number>();
    for (const st of statements) {
      if (kindOf(st) !== "LocalSet" || classes.LocalSet.isTee(st)) continue;
      const local = classes.LocalSet.getIndex(st);
      const value = classes.LocalSet.getValue(st);
      if (setCount.get(local) !== 1 || kindOf(value) !== "Binary" || classes.Binary.getOp(value) !== binaryen.AddInt32) continue;
      const [l, r] = [classes.Binary.getLeft(value), classes.Binary.getRight(value)];
      const isLocal = (e: binaryen.ExpressionRef) => kindOf(e) === "LocalGet" && classes.LocalGet.getIndex(e) === local;
      const c = isLocal(l) ? constValue(r) : isLocal(r) ? constValue(l) : null;
      if (c !== null && c !== 0) steps.set(local, c);
    }
    if (steps.size === 0) return null;

    // How much each address changes from one iteration to the next, in evaluation order (null:
    // not an affine function of the induction locals and of locals the loop does not change).
    const known = new Map<number, number | null>();
    const accesses: binaryen.ExpressionRef[] = [];
    const strides: number[] = [];
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
          const info = binaryen.getExpressionInfo(e) as binaryen.LoadInfo;
          if (info.isAtomic) throw new NotAPageRun();
          const a = coefficient(c.getPtr(e));
          if (kind === "Store") coefficient(c.getValue(e));
          if (a === null) throw new NotAPageRun();
          accesses.push(e);
          strides.push(a);
          return null;
        }
        default: throw new NotAPageRun(); // calls, control flow, memory.*: not a page run
      }
    };
    try {
      // The condition runs before every iteration, unchecked ones too: no access and no call in it
      // (a call could reach the MMU and change the entries an unchecked iteration relies on).
      coefficient(cond);
      if (accesses.length > 0) return null;
      statements.forEach(coefficient);
    } catch (e) {
      if (e instanceof NotAPageRun) return null;
      throw e;
    }
    // A stride of over an eighth of a page leaves its page within 8 iterations: too few unchecked
    // ones to pay for the budget (trans's column walk ran 10% slower as a page run).
    if (accesses.length === 0 || strides.some((st) => Math.abs(st) * 8 > pageSize)) return null;
    const fastStatements = statements.map((st) => module.copyExpression(st));
    const fastAccesses: binaryen.ExpressionRef[] = [];
    const collect = (e: binaryen.ExpressionRef): void => {
      childrenOf(e).forEach(collect);
      if (kindOf(e) === "Load" || kindOf(e) === "Store") fastAccesses.push(e);
    };
    fastStatements.forEach(collect);
    if (fastAccesses.length !== accesses.length) return null;
    return { accesses, strides, fastStatements, fastAccesses, sites: new Map() };
  };
  let pageRunCount = 0;
  let pageRunLabels = 0;
  const planPageRuns = (root: binaryen.ExpressionRef): void => {
    pageRuns = new Map();
    pageRunOf = new Map();
    if (!usePageRuns) return;
    const walk = (e: binaryen.ExpressionRef): void => {
      childrenOf(e).forEach(walk);
      if (kindOf(e) === "Loop") {
        const run = planPageRun(e);
        if (run) {
          pageRunCount++;
          pageRuns.set(e, run);
          for (const access of run.accesses) pageRunOf.set(access, run);
        }
      }
    };
    walk(root);
  };

  /** Rewrites copied statements (made before instrumenting; only scalar children, as planPageRun
   *  and planRegions admit) so that each of `accesses` (in them, in evaluation order) is made
   *  directly, with no test and no clock, at a known physical address (a local) plus a constant. */
  const uncheckedCopy = (accesses: binaryen.ExpressionRef[], siteOf: (k: number) => { phys: number; offset: number }) => {
    const index = new Map(accesses.map((a, k) => [a, k]));
    const hasSet = (e: binaryen.ExpressionRef): boolean => kindOf(e) === "LocalSet" || kindOf(e) === "GlobalSet" || childrenOf(e).some(hasSet);
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
      const info = binaryen.getExpressionInfo(e) as binaryen.StoreInfo; // ptr (and value, for a store)
      // The pointer is still evaluated for what it sets (a local.tee), else not at all.
      const stmts = hasSet(info.ptr) ? [module.drop(info.ptr)] : [];
      const phys = lget(site.phys, i32), offset = site.offset;
      if (a.kind === "ld") return stmts.length ? module.block(null, [...stmts, physLoad(a, phys, offset)], a.type) : physLoad(a, phys, offset);
      if (!stmts.length) return physStore(a, phys, info.value, offset);
      const value = addVar(a.type);
      return module.block(null, [...stmts, module.local.set(value, info.value), physStore(a, phys, lget(value, a.type), offset)]);
    };
    return uncheck;
  };

  /** After an unchecked stretch whose m accesses end now: each entry's stamp, the clock at its
   *  last access k there, is the clock now less the m - 1 - k accesses after it. */
  const stampsAfter = (lastUse: Map<number, number>, m: number) => [...lastUse].map(([entry, k]) =>
    module.i64.store(8, 8, c32(entry), module.i64.sub(lget(clk, i64), module.i64.const(BigInt(m - 1 - k) as unknown as number))));

  /** The loop (its accesses already instrumented) rebuilt as a page run. */
  const pageRunLoop = (loop: binaryen.ExpressionRef, run: PageRun): binaryen.ExpressionRef => {
    const sites = run.accesses.map((a) => run.sites.get(a)!);
    const budget = addVar(i32);
    const rem = addVar(i32);
    // Each access's physical address in the next iteration: after a checked iteration, its
    // address then plus its stride plus its entry's delta; after each unchecked one, plus its
    // stride (so the unchecked copy need not compute the addresses at all).
    const phys = sites.map(() => addVar(i32));
    const readEntries = () => sites.map(({ entry, ea }, k) => module.local.set(phys[k],
      module.i32.add(module.i32.add(lget(ea, i32), c32(run.strides[k])), module.i32.load(4, 4, c32(entry)))));
    const stride = () => phys.map((p, k) => module.local.set(p, module.i32.add(lget(p, i32), c32(run.strides[k]))));

    const uncheck = uncheckedCopy(run.fastAccesses, (k) => ({ phys: phys[k], offset: 0 }));
    // Unchecked iterations run as a tight inner loop while the budget lasts and the condition
    // holds; the clock and the store count then advance once, by the accesses and stores of the
    // iterations it ran. The entries' stamps are not written in unchecked iterations: after any,
    // each entry's stamp is the clock at its last access in the last iteration, the clock now
    // less the accesses after that one; written before the next checked iteration and after the
    // loop, the only places from which the MMU can be reached.
    const m = run.accesses.length;
    const stores = run.accesses.filter((a) => kindOf(a) === "Store").length;
    const advance = (local: number, by: number) => module.local.set(local, module.i64.add(lget(local, i64),
      module.i64.mul(module.i64.extend_u(module.i32.sub(lget(rem, i32), lget(budget, i32))), module.i64.const(BigInt(by) as unknown as number))));
    const unchecked = addVar(i32); // 1 after an unchecked iteration whose stamps are not written yet
    const lastUse = new Map(sites.map(({ entry }, k) => [entry, k]));
    const writeStamps = () => module.if(lget(unchecked, i32), module.block(null, [
      ...stampsAfter(lastUse, m),
      module.local.set(unchecked, c32(0)),
    ]));
    const id = ++pageRunLabels;
    const fastLoop = `${PREFIX}unchecked${id}`, spent = `${PREFIX}spent${id}`, out = `${PREFIX}run${id}`; // unique in the function
    const cond = classes.If.getCondition(classes.Loop.getBody(loop));
    const fast = [
      module.local.set(rem, lget(budget, i32)), // the budget before: rem - budget iterations ran
      module.block(spent, [module.loop(fastLoop, module.block(null, [
        ...run.fastStatements.map(uncheck),
        ...stride(),
        module.local.set(budget, module.i32.sub(lget(budget, i32), c32(1))),
        // Another unchecked iteration while the budget lasts and the condition holds (the
        // condition has no access and no call; a copy evaluates it exactly as the loop would).
        // Two branches, not one on both tests: that became a select, 8 instructions, not 4.
        module.br(spent, module.i32.eqz(lget(budget, i32))),
        module.br(fastLoop, module.copyExpression(cond)),
      ]))]),
      advance(clk, m), ...(stores ? [advance(stc, stores)] : []),
      module.local.set(unchecked, c32(1)),
      // Budget left: the condition failed, the loop is over. None left: back to its head.
      module.br(out, lget(budget, i32)),
    ];

    // After a checked iteration: how many more iterations keep every access on its entry's page.
    const BIG = 1 << 30;
    const budgetOf = sites.flatMap(({ entry, ea }, k) => {
      const stride = run.strides[k];
      const bytes = binaryen.getExpressionInfo(run.accesses[k]) as binaryen.LoadInfo;
      const maxPos = pageSize - bytes.bytes; // the last offset in the page where the access fits
      if (stride === 0) return [];
      const pos = () => module.i32.sub(lget(ea, i32), module.i32.load(0, 4, c32(entry)));
      const abs = Math.abs(stride);
      const over = (x: binaryen.ExpressionRef) => // x / |stride|, a shift for a power of two
        (abs & (abs - 1)) === 0 ? module.i32.shr_u(x, c32(Math.log2(abs))) : module.i32.div_u(x, c32(abs));
      const more = over(stride > 0 ? module.i32.sub(c32(maxPos), pos()) : pos());
      return [
        module.local.set(rem, module.select(module.i32.gt_u(pos(), c32(maxPos)), c32(0), more)),
        module.local.set(budget, module.select(module.i32.lt_u(lget(rem, i32), lget(budget, i32)), lget(rem, i32), lget(budget, i32))),
      ];
    });

    const iff = classes.Loop.getBody(loop);
    const block = classes.If.getIfTrue(iff);
    const n = classes.Block.getNumChildren(block);
    const checked = Array.from({ length: n - 1 }, (_, i) => classes.Block.getChildAt(block, i));
    const br = classes.Block.getChildAt(block, n - 1);
    classes.If.setIfTrue(iff, module.block(null, [
      module.if(module.i32.gt_s(lget(budget, i32), c32(0)),
        module.block(null, fast),
        module.block(null, [writeStamps(), ...checked, module.local.set(budget, c32(BIG)), ...budgetOf, ...readEntries()])),
      br,
    ]));
    return module.block(null, [module.local.set(budget, c32(0)), module.local.set(unchecked, c32(0)), module.block(out, [loop]), writeStamps()], binaryen.getExpressionType(loop));
  };

  // ---- Straight regions: a run of statements checked once, not once per access ----
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
  // no entry changes under it.
  interface Region {
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
  let regionsOf = new Map<binaryen.ExpressionRef, Region[]>();
  let regionOf = new Map<binaryen.ExpressionRef, Region>();
  const STRAIGHT = new Set(["LocalSet", "LocalGet", "GlobalGet", "GlobalSet", "Const", "Binary", "Unary", "Select", "Load", "Store", "Drop", "Nop"]);
  /** Ops an address may be made of, evaluated early at the start of the run: none can trap. */
  const ADDRESS_OPS = new Set([binaryen.AddInt32, binaryen.SubInt32, binaryen.MulInt32, binaryen.ShlInt32, binaryen.ShrUInt32,
    binaryen.ShrSInt32, binaryen.AndInt32, binaryen.OrInt32, binaryen.XorInt32]);
  const isStraight = (e: binaryen.ExpressionRef): boolean => STRAIGHT.has(kindOf(e)) && childrenOf(e).every(isStraight);

  /** One statement, evaluated symbolically in evaluation order: `env` maps the locals it sets to
   *  their values as expressions of the locals and globals at the start of the run (null:
   *  unknown, e.g. a loaded value), and each global it sets ("$name") to null. Returns the
   *  statement's accesses with their pointers, or null if a pointer is unknown. */
  const symbolic = (statement: binaryen.ExpressionRef, env: Map<number | string, binaryen.ExpressionRef | null>) => {
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
  };

  const planRegions = (root: binaryen.ExpressionRef): void => {
    regionsOf = new Map();
    regionOf = new Map();
    if (!usePageRuns) return;
    const walk = (e: binaryen.ExpressionRef): void => {
      if (pageRuns.has(e)) return; // a page run has its own unchecked copy
      childrenOf(e).forEach(walk);
      if (kindOf(e) !== "Block") return;
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
        let found = current && symbolic(st, trial);
        if (found) {
          env = trial; // keeping the locals it sets
        } else {
          close();
          found = symbolic(st, env);
          if (!found) return close();
          current = { start: i, end: i, accesses: [], pointers: [], fastStatements: [], fastAccesses: [], sites: new Map() };
        }
        current!.end = i + 1;
        current!.accesses.push(...found.accesses);
        current!.pointers.push(...found.pointers);
      });
      close();
      for (const region of regions) {
        region.fastStatements = children.slice(region.start, region.end).map((st) => module.copyExpression(st));
        const collect = (x: binaryen.ExpressionRef): void => {
          childrenOf(x).forEach(collect);
          if (kindOf(x) === "Load" || kindOf(x) === "Store") region.fastAccesses.push(x);
        };
        region.fastStatements.forEach(collect);
        for (const access of region.accesses) regionOf.set(access, region);
      }
      if (regions.length) regionsOf.set(e, regions);
    };
    walk(root);
  };

  let regionCount = 0;
  let regionLabels = 0;
  /** The block (its children already instrumented) with each of its regions that pays (fewer
   *  entries than accesses) made a choice between the unchecked copy and the checked statements. */
  const regionBlock = (block: binaryen.ExpressionRef, regions: Region[]): binaryen.ExpressionRef => {
    const children = childrenOf(block);
    const out: binaryen.ExpressionRef[] = [];
    let next = 0;
    for (const region of regions) {
      const sites = region.accesses.map((a) => region.sites.get(a)!);
      const entries = [...new Set(sites.map((site) => site.entry))];
      if (entries.length >= sites.length) continue;
      const setup: binaryen.ExpressionRef[] = [];
      const id = ++regionLabels;
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
        return { first, span: Math.max(...ks.map((k) => bases[k].offset + accessOf(region.accesses[k]).bytes)) - first };
      });
      if (spans.some(({ span }) => span > pageSize / 2)) continue; // not likely on one page: not worth it
      regionCount++;
      out.push(...children.slice(next, region.start));
      next = region.end;
      const physOf: { phys: number; offset: number }[] = [];
      const readPhys: binaryen.ExpressionRef[] = [];
      const tests = [...groups.values()].map(({ entry, ks }, g) => {
        const stores = ks.some((k) => accessOf(region.accesses[k]).kind === "st"); // then wbase, which implies vbase
        const { first, span } = spans[g];
        const low = addVar(i32), phys = addVar(i32);
        // Unchecked, each access is made at the physical address of the span plus a constant.
        for (const k of ks) physOf[k] = { phys, offset: bases[k].offset - first };
        readPhys.push(module.local.set(phys, module.i32.add(lget(low, i32), module.i32.load(4, 4, c32(entry)))));
        setup.push(module.local.set(low, module.i32.add(region.pointers[ks[0]], c32(first - bases[ks[0]].c))));
        // A miss: refilled here as its first access would refill it (the same count, fold and
        // entry) if the page is resident; else the checked statements run. An entry with two
        // pointers could need two refills: the checked statements make them.
        const alone = [...groups.values()].filter((g) => g.entry === entry).length === 1;
        const miss = module.i32.ge_u(module.i32.xor(module.i32.load(stores ? TLB_WBASE_OFFSET : 0, 4, c32(entry)), lget(low, i32)), c32(pageSize - span + 1));
        return module.if(miss, alone ? module.block(null, refillWalk(span, stores, entry, low, checked)) : module.br(checked));
      });
      const m = sites.length;
      const stores = region.accesses.filter((a) => kindOf(a) === "Store").length;
      const lastUse = new Map(sites.map(({ entry }, k) => [entry, k]));
      const uncheck = uncheckedCopy(region.fastAccesses, (k) => physOf[k]);
      const bump = (local: number, by: number) => module.local.set(local, module.i64.add(lget(local, i64), module.i64.const(BigInt(by) as unknown as number)));
      out.push(...setup, module.block(end, [
        module.block(checked, [
          ...tests,
          ...readPhys,
          ...region.fastStatements.map(uncheck),
          bump(clk, m), ...(stores ? [bump(stc, stores)] : []),
          ...stampsAfter(lastUse, m),
          module.br(end),
        ]),
        ...children.slice(region.start, region.end),
      ]));
    }
    if (next === 0) return block;
    out.push(...children.slice(next));
    return module.block(classes.Block.getName(block), out, binaryen.getExpressionType(block));
  };

  /** Scratch locals of the inline refill, shared by a function's accesses: pte, frame, fbase,
   *  touchBase, old. Made on first use in each function. */
  let refillLocals: number[] | null = null;
  let refills = 0;
  /** A TLB miss handled in place, without a call: walk the page table and, if the page is
   *  resident (and already dirty, for a store) and the access stays inside its page, refill the
   *  entry as the MMU's pagePhysical() does and access the frame; otherwise `slow` (the helper that
   *  calls the MMU). Unlike pagePhysical it does not write the frame's last-use time: the entry's
   *  own stamp (the clock now) is folded into it before the MMU ever compares frames
   *  (foldAllEntries), or when the entry is refilled again. Inlined because a call per miss cost
   *  eventsim, with about 40% of its accesses missing, 10% of its time. */
  const inlineRefill = (a: Access, entryAddr: number, eaLocal: number, valueLocal: number, slow: binaryen.ExpressionRef): binaryen.ExpressionRef => {
    const slowLabel = `${PREFIX}walk${++refills}`, done = `${PREFIX}done${refills}`; // unique in the function
    const walk = refillWalk(a.bytes, a.kind === "st", entryAddr, eaLocal, slowLabel);
    const [, , FBASE] = refillLocals!;
    const at = module.i32.add(lget(FBASE, i32), module.i32.and(lget(eaLocal, i32), c32(pageSize - 1)));
    if (a.kind === "st") {
      walk.push(physStore(a, at, lget(valueLocal, a.type)), module.br(done));
      return module.block(done, [module.block(slowLabel, walk), slow]);
    }
    walk.push(module.br(done, undefined, physLoad(a, at)));
    return module.block(done, [module.block(slowLabel, walk), slow], a.type);
  };
  /** The page-table walk and refill of entry E for `bytes` at the address in eaLocal: branches to
   *  `fail` unless the page is resident (and dirty, for a store) and the bytes stay inside it;
   *  leaves the frame's address in the refill local fbase. */
  const refillWalk = (bytes: number, isStore: boolean, E: number, eaLocal: number, fail: string): binaryen.ExpressionRef[] => {
    const [PTE, FRAME, FBASE, TB, OLD] = refillLocals ??= [addVar(i32), addVar(i32), addVar(i32), addVar(i32), addVar(i32)];
    const shift = Math.log2(pageSize);
    const mask = pageSize - 1;
    const g = (i: number) => lget(i, i32);
    const ld32 = (addr: number) => module.i32.load(0, 4, c32(addr));
    const want = PTE_PRESENT | (isStore ? PTE_DIRTY : 0);
    const walk: binaryen.ExpressionRef[] = [];
    if (bytes > 1) walk.push(module.br(fail, module.i32.gt_u(module.i32.add(module.i32.and(g(eaLocal), c32(mask)), c32(bytes)), c32(pageSize))));
    walk.push(
      module.br(fail, module.i32.ge_u(g(eaLocal), ld32(ADDR_VIRTUAL_BYTES))),
      module.local.set(PTE, module.i32.load(0, 4, module.i32.add(ld32(ADDR_PT_BASE), module.i32.shl(module.i32.shr_u(g(eaLocal), c32(shift)), c32(2))))),
      module.br(fail, module.i32.ne(module.i32.and(g(PTE), c32(want)), c32(want))),
      countMiss(() => c32(E)),
      module.local.set(FRAME, module.i32.shr_u(g(PTE), c32(PTE_FRAME_SHIFT))),
      module.local.set(FBASE, module.i32.add(ld32(ADDR_FRAMES_BASE), module.i32.shl(g(FRAME), c32(shift)))),
      module.local.set(TB, ld32(ADDR_TOUCH_BASE)),
      // The entry's hits so far were uses of its old frame.
      module.local.set(OLD, ld32(E + 16)),
      module.if(module.i32.ne(g(OLD), c32(NO_FRAME)), module.block(null, [
        module.local.set(OLD, module.i32.add(g(TB), module.i32.shl(g(OLD), c32(3)))),
        module.if(module.i64.gt_u(module.i64.load(0, 8, c32(E + 8)), module.i64.load(0, 8, g(OLD))),
          module.i64.store(0, 8, g(OLD), module.i64.load(0, 8, c32(E + 8)))),
      ])),
      module.i32.store(0, 4, c32(E), module.i32.and(g(eaLocal), c32(~mask))),
      module.i32.store(TLB_WBASE_OFFSET, 4, c32(E), isStore ? module.i32.and(g(eaLocal), c32(~mask))
        : module.select(module.i32.and(g(PTE), c32(PTE_DIRTY)), module.i32.and(g(eaLocal), c32(~mask)), c32(TLB_INVALID))),
      module.i32.store(0, 4, c32(E + 4), module.i32.sub(g(FBASE), module.i32.and(g(eaLocal), c32(~mask)))),
      module.i64.store(0, 8, c32(E + 8), lget(clk, i64)),
      module.i32.store(0, 4, c32(E + 16), g(FRAME)),
    );
    return walk;
  };

  /** The inlined fast path of one access (see the top of this file). */
  const access = (expr: binaryen.ExpressionRef, a: Access, ptr: binaryen.ExpressionRef, value: binaryen.ExpressionRef | null): binaryen.ExpressionRef => {
    const entryAddr = entryFor(a, ptr);
    const isLoad = a.kind === "ld";
    if (isLoad) loadSites++;
    else storeSites++;
    const eaLocal = addVar(i32);
    const ea = () => lget(eaLocal, i32);
    pageRunOf.get(expr)?.sites.set(expr, { entry: entryAddr, ea: eaLocal });
    regionOf.get(expr)?.sites.set(expr, { entry: entryAddr, ea: eaLocal });
    const stmts: binaryen.ExpressionRef[] = [
      module.local.set(eaLocal, effectiveAddress(a, ptr)),
    ];
    let valueLocal = 0;
    if (!isLoad) {
      valueLocal = addVar(a.type);
      stmts.push(module.local.set(valueLocal, value!), tick(stc));
    }
    stmts.push(tick(clk));
    // The entry's base is page-aligned: ea ^ base is ea's offset in the page when both are on one
    // page, and at least a page when not (the same test as ea - base, one instruction shorter).
    const hit = module.i32.lt_u(module.i32.xor(module.i32.load(isLoad ? 0 : TLB_WBASE_OFFSET, 4, c32(entryAddr)), ea()), c32(pageSize - a.bytes + 1));
    const phys = module.i32.add(ea(), module.i32.load(4, 4, c32(entryAddr)));
    const touch = module.i64.store(8, 8, c32(entryAddr), lget(clk, i64));
    const slow = isLoad
      ? module.call(slowHelper(a), [ea(), c32(entryAddr), lget(clk, i64)], a.type)
      : module.call(slowHelper(a), [ea(), lget(valueLocal, a.type), c32(entryAddr), lget(clk, i64)], none);
    if (isLoad) {
      stmts.push(module.if(hit,
        module.block(null, [touch, physLoad(a, phys)], a.type),
        inlineRefill(a, entryAddr, eaLocal, 0, slow)));
      return module.block(null, stmts, a.type);
    }
    stmts.push(module.if(hit,
      module.block(null, [touch, physStore(a, phys, lget(valueLocal, a.type))]),
      inlineRefill(a, entryAddr, eaLocal, valueLocal, slow)));
    return module.block(null, stmts);
  };

  // Rewrites one expression tree bottom-up; returns the replacement for `expr`.
  const visit = (expr: binaryen.ExpressionRef): binaryen.ExpressionRef => {
    if (expr === 0) return 0;
    const kind = kindOf(expr);
    const cls = classes[kind];
    if (kind in REFUSED) refuse(REFUSED[kind], fnName);
    if (!(kind in SCALAR_CHILDREN) && !(kind in LIST_CHILDREN) && !LEAVES.has(kind)) {
      refuse(`the ${kind} instruction (not supported by remora's instrumenter)`, fnName);
    }
    for (const field of SCALAR_CHILDREN[kind] ?? []) {
      const child = cls[`get${field}`](expr);
      if (child) {
        const replaced = visit(child);
        if (replaced !== child) cls[`set${field}`](expr, replaced);
      }
    }
    const list = LIST_CHILDREN[kind];
    if (list) {
      const n = cls[list[0]](expr);
      for (let i = 0; i < n; i++) {
        const child = cls[`get${list[1]}`](expr, i);
        const replaced = visit(child);
        if (replaced !== child) cls[`set${list[1]}`](expr, i, replaced);
      }
    }
    const type = binaryen.getExpressionType(expr);
    if (kind === "LocalSet") {
      const local = classes.LocalSet.getIndex(expr);
      const value = classes.LocalSet.getValue(expr);
      const step = kindOf(value) === "Binary" && classes.Binary.getOp(value) === binaryen.AddInt32
        && kindOf(classes.Binary.getLeft(value)) === "LocalGet" && classes.LocalGet.getIndex(classes.Binary.getLeft(value)) === local
        ? constValue(classes.Binary.getRight(value)) : null;
      if (step === null || Math.abs(step) >= SHARE_MAX_OFFSET) localVersions.set(local, (localVersions.get(local) ?? 0) + 1);
    }
    switch (kind) {
      case "Block": {
        const regions = regionsOf.get(expr);
        return regions ? regionBlock(expr, regions) : expr;
      }
      case "Loop": {
        const run = pageRuns.get(expr);
        return run ? pageRunLoop(expr, run) : expr;
      }
      case "Load": {
        const info = binaryen.getExpressionInfo(expr) as binaryen.LoadInfo;
        if (info.isAtomic) refuse(`${typeName(info.type)}.atomic.load`, fnName);
        return access(expr, accessOf(expr), info.ptr, null);
      }
      case "Store": {
        const info = binaryen.getExpressionInfo(expr) as binaryen.StoreInfo;
        if (info.isAtomic) refuse(`${typeName(classes.Store.getValueType(expr))}.atomic.store`, fnName);
        return access(expr, accessOf(expr), info.ptr, info.value);
      }
      case "MemorySize":
        return wrapCall([], () => module.call(PREFIX + "memorySize", [], i32), i32);
      case "MemoryGrow":
        return wrapCall([classes.MemoryGrow.getDelta(expr)], (ops) => module.call(PREFIX + "memoryGrow", ops, i32), i32);
      case "MemoryFill":
        return wrapCall([classes.MemoryFill.getDest(expr), classes.MemoryFill.getValue(expr), classes.MemoryFill.getSize(expr)],
          (ops) => module.call(PREFIX + "memoryFill", ops, none), none);
      case "MemoryCopy":
        return wrapCall([classes.MemoryCopy.getDest(expr), classes.MemoryCopy.getSource(expr), classes.MemoryCopy.getSize(expr)],
          (ops) => module.call(PREFIX + "memoryCopy", ops, none), none);
      case "Call": {
        const target = classes.Call.getTarget(expr);
        const isReturn = classes.Call.isReturn(expr);
        const operands = classes.Call.getOperands(expr);
        const results = binaryen.getFunctionInfo(module.getFunction(target)).results;
        return wrapCall(operands, (ops) => (isReturn ? module.return_call(target, ops, results) : module.call(target, ops, results)), isReturn ? binaryen.unreachable : type, isReturn);
      }
      case "CallIndirect": {
        const isReturn = classes.CallIndirect.isReturn(expr);
        const table = classes.CallIndirect.getTable(expr);
        const params = classes.CallIndirect.getParams(expr);
        const results = classes.CallIndirect.getResults(expr);
        const operands = [...classes.CallIndirect.getOperands(expr), classes.CallIndirect.getTarget(expr)];
        return wrapCall(operands, (ops) => {
          const target = ops[ops.length - 1];
          const args = ops.slice(0, -1);
          return isReturn ? module.return_call_indirect(table, target, args, params, results) : module.call_indirect(table, target, args, params, results);
        }, isReturn ? binaryen.unreachable : type, isReturn);
      }
      case "CallRef":
        refuse("call_ref (typed function references)", fnName);
        return expr;
      case "Return": {
        const value = classes.Return.getValue(expr);
        if (!value) return module.block(null, [...leave(), expr], binaryen.unreachable);
        const vt = binaryen.getExpressionType(value);
        if (vt === binaryen.unreachable) return expr;
        const tmp = addVar(vt);
        return module.block(null, [module.local.set(tmp, value), ...leave(), module.return(lget(tmp, vt))], binaryen.unreachable);
      }
      default:
        return expr;
    }
  };

  // Functions are named by the name section when the module has one, else by index: then say so,
  // with the export name where there is one.
  const exportNames = new Map<string, string>();
  for (let i = 0; i < module.getNumExports(); i++) {
    const exp = binaryen.getExportInfo(module.getExportByIndex(i));
    if (exp.kind === binaryen.ExternalFunction) exportNames.set(exp.value, exp.name);
  }
  const describe = (name: string): string => {
    const exported = exportNames.has(name) ? ` (exported as "${exportNames.get(name)}")` : "";
    return /^\d+$/.test(name) ? `#${name}${exported}` : `${name}${exported}`;
  };

  const originals: binaryen.FunctionRef[] = [];
  for (let i = 0; i < module.getNumFunctions(); i++) originals.push(module.getFunctionByIndex(i));
  for (const fn of originals) {
    const info = binaryen.getFunctionInfo(fn);
    if (info.module || info.name.startsWith(PREFIX)) continue; // imports and our own helpers
    fnRef = fn;
    fnName = describe(info.name);
    sharedEntries = new Map();
    refillLocals = null;
    localVersions = new Map();
    clk = addVar(i64);
    stc = addVar(i64);
    planPageRuns(info.body);
    planRegions(info.body);
    const body = visit(info.body);
    const resultType = info.results;
    const stmts = [...reload()];
    if (resultType === none) {
      stmts.push(body, ...leave());
      classes.Function.setBody(fn, module.block(null, stmts, none));
    } else {
      const r = addVar(resultType);
      stmts.push(module.local.set(r, body), ...leave(), lget(r, resultType));
      classes.Function.setBody(fn, module.block(null, stmts, resultType));
    }
  }

  // Clean up the temporaries the rewrite introduced (one local per site, hoisted operands) with
  // the passes that pay for that, not the whole -O3 pipeline: the module was optimized by its
  // compiler, and V8 allocates registers itself. On a 150 KB C module this takes instrumenting
  // from 12 s to 3 s, with the workloads as fast (bench/RESULTS.md, "Instrumenting").
  binaryen.setOptimizeLevel(3);
  binaryen.setShrinkLevel(0);
  module.runPasses(["optimize-instructions", "precompute", "simplify-locals", "vacuum", "merge-blocks", "remove-unused-brs", "optimize-instructions", "coalesce-locals", "simplify-locals", "reorder-locals", "vacuum"]);
  if (!module.validate()) throw new Error("internal error: instrumented module does not validate");
  return {
    binary: emitWithBranchHints(module, isFastPathIf, childrenOf),
    tlbEntries: sites,
    pageRuns: pageRunCount,
    regions: regionCount,
    loadSites,
    storeSites,
    initialWasmPages,
    maxWasmPages,
    dataSegments,
  };
}

/** A fast path's hit test: `if (i32.lt_u (i32.xor base ea) limit)`. */
function isFastPathIf(e: binaryen.ExpressionRef): boolean {
  const cond = (binaryen.getExpressionInfo(e) as binaryen.IfInfo).condition;
  if (binaryen.getExpressionId(cond) !== binaryen.BinaryId) return false;
  const test = binaryen.getExpressionInfo(cond) as binaryen.BinaryInfo;
  return test.op === binaryen.LtUInt32 && binaryen.getExpressionId(test.left) === binaryen.BinaryId
    && (binaryen.getExpressionInfo(test.left) as binaryen.BinaryInfo).op === binaryen.XorInt32;
}

// What the passes share while they rewrite a module: the module itself, the page size, the counts
// the result reports, and the state of the function being rewritten (its access clock and store
// count locals, its TLB entries, the loops and blocks the planning passes chose). Also the small
// builders every pass uses: constants, locals, the physical access of a load or store, the clock.
//
// Per function, the access clock and the store count live in two i64 locals (registers, not a
// memory round trip per access). The clock is written to physical memory before every call and
// return and read back after every call, so the MMU and callees see it exact. The store count is
// only ever added to (here and by the MMU) and read when the run is over: a function counts its
// own stores from 0 and adds them to memory before each call and when it returns. So does the TLB
// miss count.
import binaryen from "./binaryen.ts";
import { ADDR_ACCESSES, ADDR_STORES, ADDR_TLB, ADDR_TLB_MISSES, TLB_ENTRY_BYTES } from "../layout.ts";
import { typeName, type Access } from "./ir.ts";
import type { PageRun } from "./page-runs.ts";
import type { Region } from "./regions.ts";
import { InstrumentError } from "./error.ts";

export { InstrumentError };

/** The function being rewritten. */
export interface FunctionState {
  ref: binaryen.FunctionRef;
  /** For error messages: its name, or its index and export name. */
  name: string;
  /** The access clock, the store count and the TLB miss count (i64 locals). */
  clk: number;
  stc: number;
  msc: number;
  /** Entry sharing (entry-sharing.ts): the entry of each address's terms, and each local's version. */
  sharedEntries: Map<string, number>;
  localVersions: Map<number, number>;
  /** The inline refill's scratch locals (fast-path.ts), made on first use. */
  refillLocals: number[] | null;
  /** The loops to rebuild as page runs and the blocks with regions, and the run or region of each
   *  access in them (page-runs.ts, regions.ts). */
  pageRuns: Map<binaryen.ExpressionRef, PageRun>;
  pageRunOf: Map<binaryen.ExpressionRef, PageRun>;
  regionsOf: Map<binaryen.ExpressionRef, Region[]>;
  regionOf: Map<binaryen.ExpressionRef, Region>;
  /** The accesses translated directly, without refilling their entries (direct.ts). */
  direct: Set<binaryen.ExpressionRef>;
  /** Whether the function has a loop, and its loads and stores (fast-path.ts: where misses are
   *  refilled inline). */
  hasLoop: boolean;
  accesses: number;
  /** In a huge function, each access's and call's level, whose temporaries it shares
   *  (temporaries.ts), and those temporaries by level, type and use; else null. */
  levels: Map<binaryen.ExpressionRef, number> | null;
  shared: Map<string, number>;
}

export class Rewriter {
  /** Out-of-line helpers already added, by name. */
  readonly helpers = new Set<string>();
  /** TLB entries handed out so far; entry 0 means "no entry". */
  sites = 1;
  loadSites = 0;
  storeSites = 0;
  pageRunCount = 0;
  regionCount = 0;
  directCount = 0;
  /** The loads and stores of each loop that encloses the expression being rewritten, the
   *  innermost last (rewrite.ts). */
  readonly loopAccesses: number[] = [];
  /** Counters that make block labels unique in the function (counted over the module). */
  readonly labels = { pageRun: 0, region: 0, refill: 0 };
  fn!: FunctionState;

  constructor(readonly module: binaryen.Module, readonly pageSize: number, readonly usePageRuns: boolean, readonly useDirect: boolean, readonly shareTemporaries: boolean) {}

  /** Starts rewriting a function: fresh per-function state, and its clock and store count locals. */
  beginFunction(ref: binaryen.FunctionRef, name: string): void {
    this.fn = {
      ref, name, clk: 0, stc: 0, msc: 0, sharedEntries: new Map(), localVersions: new Map(), refillLocals: null,
      pageRuns: new Map(), pageRunOf: new Map(), regionsOf: new Map(), regionOf: new Map(), direct: new Set(), hasLoop: false, accesses: 0,
      levels: null, shared: new Map(),
    };
    this.fn.clk = this.addVar(binaryen.i64);
    this.fn.stc = this.addVar(binaryen.i64);
    this.fn.msc = this.addVar(binaryen.i64);
  }

  refuse(what: string): never {
    throw new InstrumentError(`cannot emulate ${what} in function ${this.fn.name}`);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  addVar = (type: number): number => (binaryen as any)._BinaryenFunctionAddVar(this.fn.ref, type);

  /** A temporary of access or call `expr`, its `use`-th: its own, or in a huge function the one
   *  its level shares (temporaries.ts). */
  temp = (expr: binaryen.ExpressionRef, type: number, use: number): number => {
    const level = this.fn.levels?.get(expr);
    if (level === undefined) return this.addVar(type);
    const key = `${level}:${type}:${use}`;
    let local = this.fn.shared.get(key);
    if (local === undefined) this.fn.shared.set(key, (local = this.addVar(type)));
    return local;
  };
  lget = (index: number, type: number) => this.module.local.get(index, type);
  c32 = (x: number) => this.module.i32.const(x);

  /** The physical access itself: a load of the same width and type at `ptr`. */
  physLoad = (a: Access, ptr: binaryen.ExpressionRef, offset = 0): binaryen.ExpressionRef => {
    const t = typeName(a.type);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const m = (this.module as any)[t];
    if (t === "v128") return this.module.v128.load(offset, 16, ptr);
    if (a.bytes === 8 || (a.bytes === 4 && (t === "i32" || t === "f32"))) return m.load(offset, a.bytes, ptr);
    return m[`load${a.bytes * 8}_${a.signed ? "s" : "u"}`](offset, a.bytes, ptr);
  };
  physStore = (a: Access, ptr: binaryen.ExpressionRef, value: binaryen.ExpressionRef, offset = 0): binaryen.ExpressionRef => {
    const t = typeName(a.type);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const m = (this.module as any)[t];
    if (t === "v128") return this.module.v128.store(offset, 16, ptr, value);
    if (a.bytes === 8 || (a.bytes === 4 && (t === "i32" || t === "f32"))) return m.store(offset, a.bytes, ptr, value);
    return m[`store${a.bytes * 8}`](offset, a.bytes, ptr, value);
  };
  /** The virtual address an access reaches: its pointer plus its constant offset. */
  effectiveAddress = (a: Access, ptr: binaryen.ExpressionRef) => (a.offset === 0 ? ptr : this.module.i32.add(ptr, this.c32(a.offset)));
  /** The index of the TLB entry at an address. */
  entryIndex = (entryAddr: binaryen.ExpressionRef) =>
    this.module.i32.shr_u(this.module.i32.sub(entryAddr, this.c32(ADDR_TLB)), this.c32(Math.log2(TLB_ENTRY_BYTES)));

  /** The clock written to memory, where the MMU and callees read it. */
  flush = () => [this.module.i64.store(0, 8, this.c32(ADDR_ACCESSES), this.lget(this.fn.clk, binaryen.i64))];
  /** The clock read back after a call. */
  reload = () => [this.module.local.set(this.fn.clk, this.module.i64.load(0, 8, this.c32(ADDR_ACCESSES)))];
  /** Before the function returns (or tail-calls): the clock, and its stores and misses added to
   *  the run's counts. */
  leave = () => [...this.flush(), this.addTo(ADDR_STORES, this.lget(this.fn.stc, binaryen.i64)), this.addTo(ADDR_TLB_MISSES, this.lget(this.fn.msc, binaryen.i64))];
  /** Before a call: the same, and the function's counts start again from 0. A call may never
   *  return (a C program's exit() unwinds the stack from WASI's proc_exit): the counts of the
   *  functions it leaves behind are in memory already. */
  beforeCall = () => [...this.leave(), this.module.local.set(this.fn.stc, this.module.i64.const(0n as unknown as number)),
    this.module.local.set(this.fn.msc, this.module.i64.const(0n as unknown as number))];
  tick = (index: number) => this.module.local.set(index, this.module.i64.add(this.lget(index, binaryen.i64), this.module.i64.const(1n as unknown as number)));
  /** One TLB miss more, in the function's count (a local: a count in memory made each miss wait
   *  for the one before to store it). */
  countMiss = () => this.tick(this.fn.msc);
  /** Adds an i64 to the u64 at a fixed address. */
  addTo = (addr: number, value: binaryen.ExpressionRef) =>
    this.module.i64.store(0, 8, this.c32(addr), this.module.i64.add(this.module.i64.load(0, 8, this.c32(addr)), value));
}

// The instrumenter, remora's ATOM: a Binaryen rewrite that sends every memory access of a module
// through the emulated MMU (assembly/mmu.ts). A pipeline of passes, one file each:
//
//   module      here: the module's memory becomes the physical memory, imported and shared with
//               the MMU; its data segments are handed to the host, which writes them through the
//               MMU; the MMU's functions are imported.
//   per function (rewrite.ts walks each body once, bottom-up, and hands each kind to its pass):
//     page-runs.ts     plan: strided loops to check once per page, not once per access
//     regions.ts       plan: straight runs of statements to check once, not once per access
//     direct.ts        plan: column walks' accesses, translated through the page table
//     fast-path.ts     every load and store: an inline TLB test, an inline refill, an MMU call
//     entry-sharing.ts which accesses share a TLB entry
//     calls.ts         the access clock across calls and returns; memory.* as MMU calls
//     page-runs.ts, regions.ts   rebuild the planned loops and blocks with an unchecked copy
//                                (unchecked.ts)
//   check       here: binaryen validates the result (no optimizing pass: V8 does that work)
//   emit        ../branch-hints.ts: the binary, with every fast path's test hinted likely
//
// Before:                                   After (see fast-path.ts and calls.ts for the whole of it):
//   (i32.load offset=4 (local.get $p))        an inline test of its TLB entry, the frame read on a hit
//   (call $f (x))                             $clk written to memory around the call
//   (memory.grow (x))                         (call $__remora_memoryGrow (x))   ;; an MMU import
//   (data (i32.const 1024) "...")             removed: the host writes it through the MMU
//
// Refused before running, naming the instruction and its function: atomics, SIMD loads/stores
// other than v128.load/v128.store, memory.init, typed function references and GC instructions;
// and by module: a second memory, memory64, shared memory.
import binaryen from "./binaryen.ts";
import { emitWithBranchHints } from "../branch-hints.ts";
import { readMemoryFacts, WasmFormatError } from "../wasm-sections.ts";
import { InstrumentError, Rewriter } from "./context.ts";
import { isFastPathIf } from "./fast-path.ts";
import { childrenOf, FEATURES, PREFIX, type DataSegments } from "./ir.ts";
import { rewriteFunction } from "./rewrite.ts";

export { InstrumentError } from "./context.ts";

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
  /** Accesses translated through the page table at every access, not through their entries. */
  directAccesses: number;
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

export interface InstrumentOptions {
  /** Rewrite strided loops as page runs and straight code as regions (see page-runs.ts and
   *  regions.ts); false checks every access. Default true. */
  pageRuns?: boolean;
  /** Translate the accesses of column walks through the page table at every access (direct.ts);
   *  false refills their entries like any other. Default true. */
  direct?: boolean;
  /** Share the temporaries of accesses and calls by level in every function (temporaries.ts);
   *  by default only in a function whose locals would otherwise pass V8's limit. For tests. */
  shareTemporaries?: boolean;
}

/** The MMU's functions the rewritten module imports: name, params, result. */
const MMU_IMPORTS: [string, number[], number][] = [
  ["translate", [binaryen.i32, binaryen.i32, binaryen.i32, binaryen.i32], binaryen.i32],
  ["commitScratch", [binaryen.i32, binaryen.i32], binaryen.none],
  ["memorySize", [], binaryen.i32],
  ["memoryGrow", [binaryen.i32], binaryen.i32],
  ["memoryFill", [binaryen.i32, binaryen.i32, binaryen.i32], binaryen.none],
  ["memoryCopy", [binaryen.i32, binaryen.i32, binaryen.i32], binaryen.none],
];

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
    const memory = physicalMemory(module, facts.memories === 1);
    const rw = new Rewriter(module, pageSize, options.pageRuns ?? true, options.direct ?? true, options.shareTemporaries ?? false);
    const describe = functionNames(module);
    const originals: binaryen.FunctionRef[] = [];
    for (let i = 0; i < module.getNumFunctions(); i++) originals.push(module.getFunctionByIndex(i));
    for (const fn of originals) {
      const info = binaryen.getFunctionInfo(fn);
      if (info.module || info.name.startsWith(PREFIX)) continue; // imports and our own helpers
      rewriteFunction(rw, fn, describe(info.name));
    }
    const binary = emitWithBranchHints(module, isFastPathIf, childrenOf);
    check(module, binary);
    return {
      binary,
      tlbEntries: rw.sites,
      pageRuns: rw.pageRunCount,
      regions: rw.regionCount,
      directAccesses: rw.directCount,
      loadSites: rw.loadSites,
      storeSites: rw.storeSites,
      ...memory,
    };
  } finally {
    module.dispose();
  }
}

/** The module's memory becomes the physical memory, imported and shared with the MMU, and the
 *  MMU's functions are imported. Returns what the host needs to build virtual memory. */
function physicalMemory(module: binaryen.Module, hasMemory: boolean): Pick<Instrumented, "initialWasmPages" | "maxWasmPages" | "dataSegments"> {
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
  module.setMemory(0, 65536, null, [], false, false, "0");
  module.addMemoryImport("0", "env", "memory");
  for (const [name, params, result] of MMU_IMPORTS) {
    module.addFunctionImport(PREFIX + name, "mmu", name, binaryen.createType(params), result);
  }
  return { initialWasmPages, maxWasmPages, dataSegments };
}

/** Functions are named by the name section when the module has one, else by index: then say so,
 *  with the export name where there is one. */
function functionNames(module: binaryen.Module): (name: string) => string {
  const exportNames = new Map<string, string>();
  for (let i = 0; i < module.getNumExports(); i++) {
    const exp = binaryen.getExportInfo(module.getExportByIndex(i));
    if (exp.kind === binaryen.ExternalFunction) exportNames.set(exp.value, exp.name);
  }
  return (name) => {
    const exported = exportNames.has(name) ? ` (exported as "${exportNames.get(name)}")` : "";
    return /^\d+$/.test(name) ? `#${name}${exported}` : `${name}${exported}`;
  };
}

/** Checks the rewritten module: V8 validates its binary (a millisecond; binaryen's validator took
 *  20 ms on a 270 KB module), and binaryen says why when V8 refuses it. No optimizing pass runs
 *  on it: the module was optimized by its compiler, and V8's optimizing tier cleans up the
 *  rewrite's temporaries (one local per access, hoisted operands) itself. Binaryen's cleanup
 *  passes made the workloads and the C kernels no faster and took 1.4 s of a first run's 2.65 s
 *  on a 150 KB C module, for an output 10% smaller (bench/RESULTS.md, "Start-up and
 *  instrumenting"). */
function check(module: binaryen.Module, binary: Uint8Array): void {
  if (WebAssembly.validate(binary as Uint8Array<ArrayBuffer>)) return;
  let why = "binaryen's validator says why above";
  if (module.validate()) {
    // V8's compile error names what it refused (a limit of V8's, say) where validate() only says no.
    try {
      new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>);
      why = "binaryen accepts it, V8 does not";
    } catch (e) {
      why = `binaryen accepts it, V8 does not: ${(e as Error).message}`;
    }
  }
  throw new Error(`internal error: instrumented module does not validate (${why})`);
}

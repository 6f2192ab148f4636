// One differential check: a module runs natively and instrumented under one configuration, with
// the same deterministic imports, each exported function called with the same arguments, and what
// each run shows is compared: every call's result or trap, every value the module logged (in
// order), the exported globals, and the final memory byte for byte (and its size).
import binaryen from "../../host/instrument/binaryen.ts";
import { resolveConfig, type RunOptions } from "../../host/config.ts";
import { runInstrumented, type Entry } from "../../host/engine.ts";
import { instrument, InstrumentError } from "../../host/instrument/index.ts";
import { FEATURES } from "../../host/instrument/ir.ts";

/** The export the native run reads its memory through (added when the module exports none). */
const MEMORY_EXPORT = "__fuzz_memory";

type ValType = "i32" | "i64" | "f32" | "f64";
interface Signature { name: string; params: ValType[] }

/** What one run showed. `events`: each call's result or trap and each logged value, in order. */
export interface Observation {
  events: string[];
  globals: string[];
  memory: Uint8Array | null;
  /** Calls made (exports, and exports called back through call-export). */
  calls: number;
}

export type Outcome =
  /** Both runs showed the same: accesses the instrumented run made, calls made. */
  | { kind: "same"; accesses: number; calls: number; functions: number }
  /** The instrumenter refused the module (an InstrumentError), before running. */
  | { kind: "refused"; reason: string }
  /** Not a test of remora: this V8 cannot compile the module, it imports what the fuzz harness does
   *  not provide, or a run ran out of stack (frames are larger instrumented). */
  | { kind: "skipped"; reason: string }
  | { kind: "difference"; what: string; accesses: number; calls: number };

/** The module's exported functions callable from JavaScript (numbers only) and, when it has a
 *  memory, the module with that memory exported as MEMORY_EXPORT. */
function inspect(bytes: Uint8Array): { bytes: Uint8Array; exports: Signature[]; uncallable: number } {
  const module = binaryen.readBinary(bytes);
  try {
    module.setFeatures(FEATURES);
    const exports: Signature[] = [];
    let uncallable = 0;
    let memoryExported = false;
    const names = new Map<number, ValType>([[binaryen.i32, "i32"], [binaryen.i64, "i64"], [binaryen.f32, "f32"], [binaryen.f64, "f64"]]);
    for (let i = 0; i < module.getNumExports(); i++) {
      const exp = binaryen.getExportInfo(module.getExportByIndex(i));
      if (exp.kind === binaryen.ExternalMemory) memoryExported = true;
      if (exp.kind !== binaryen.ExternalFunction) continue;
      const info = binaryen.getFunctionInfo(module.getFunction(exp.value));
      const params = binaryen.expandType(info.params).map((t) => names.get(t));
      const results = binaryen.expandType(info.results).map((t) => names.get(t));
      if (params.includes(undefined) || results.includes(undefined)) uncallable++;
      else exports.push({ name: exp.name, params: params as ValType[] });
    }
    if (module.hasMemory() && !memoryExported) {
      module.addMemoryExport("0", MEMORY_EXPORT);
      return { bytes: module.emitBinary(), exports, uncallable };
    }
    return { bytes, exports, uncallable };
  } finally {
    module.dispose();
  }
}

/** A small deterministic generator (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Each export's arguments, drawn from the seed and its name (so that dropping another export,
 *  as the reducer does, changes nothing): small values, addresses, extremes. */
function argumentsFor(exports: Signature[], seed: number): Map<string, unknown[]> {
  const ints = [0, 1, -1, 7, 64, 1024, 4096, 65535, 65536, 0x7fffffff];
  const args = new Map<string, unknown[]>();
  for (const e of exports) {
    let h = seed >>> 0;
    for (const ch of e.name) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    const random = prng(h);
    const pick = (): number => (random() < 0.7 ? ints[Math.floor(random() * ints.length)] : (random() * 2 ** 32) | 0);
    args.set(e.name, e.params.map((t) => {
      switch (t) {
        case "i32": return pick();
        case "i64": return BigInt(pick());
        case "f32": return Math.fround(pick() / 3);
        case "f64": return pick() / 3;
      }
    }));
  }
  return args;
}

const show = (v: unknown): string =>
  typeof v === "bigint" ? `${v}n` : typeof v === "number" ? (Object.is(v, -0) ? "-0" : String(v))
    : Array.isArray(v) ? `[${v.map(show).join(",")}]` : typeof v === "function" ? "function" : v === null ? "null" : typeof v;

class StackOverflow extends Error {}
/** call-export-catch in a loop whose hang limit the trap it catches resets runs forever: calls
 *  back into the module stop at a budget, the same in both runs, and the budget's end unwinds to
 *  the export called first (call-export-catch does not catch it). */
class BudgetSpent extends Error {}
const CALL_BUDGET = 500;
/** A wasm exception thrown out of the module (exception handling; not in Node 20's typings). */
const WasmException = (WebAssembly as unknown as { Exception: new () => object }).Exception;

/** A thrown value as the runs are compared: a trap by its kind (the instrumented run's out-of-bounds
 *  message adds the virtual address after a colon), anything else by class and message. */
function thrown(e: unknown): string {
  if (e instanceof RangeError && /call stack/.test(e.message)) throw new StackOverflow(e.message);
  if (e instanceof StackOverflow || e instanceof BudgetSpent) throw e;
  if (e instanceof WebAssembly.RuntimeError) return `trap ${e.message.split(":")[0]}`;
  if (e instanceof WasmException) return "wasm exception";
  if (e instanceof Error) return `${e.constructor.name}: ${e.message}`;
  return `thrown ${String(e)}`;
}

/** The imports translate-to-fuzz modules use, as binaryen's fuzz shell defines them, recording
 *  into `obs`; call-export calls back into the instance `instance()`. */
function fuzzImports(module: WebAssembly.Module, obs: Observation, exports: Signature[], args: Map<string, unknown[]>, instance: () => WebAssembly.Instance | undefined): WebAssembly.Imports {
  const callExport = (index: number): void => {
    const e = exports[index];
    // A TypeError, as a call the module cannot make: compared like one, also while instantiating.
    if (e === undefined) throw new TypeError(`call-export: no export ${index}`);
    if (obs.calls >= CALL_BUDGET) throw new BudgetSpent(`${CALL_BUDGET} calls`);
    call(instance(), e, args, obs);
  };
  const support: Record<string, (...a: never[]) => unknown> = {
    "call-export": (index: number) => { callExport(index); },
    "call-export-catch": (index: number) => {
      try {
        callExport(index);
        return 0;
      } catch (e) {
        if (e instanceof StackOverflow || e instanceof BudgetSpent) throw e;
        obs.events.push(`caught ${thrown(e)}`);
        return 1;
      }
    },
    sleep: (_ms: number, id: number) => id,
  };
  // The high half of an i64 that legalization split (wasm2js-style modules).
  let tempRet0 = 0;
  const env: Record<string, (...a: never[]) => unknown> = {
    setTempRet0: (x: number) => { tempRet0 = x; },
    getTempRet0: () => tempRet0,
  };
  const imports: Record<string, Record<string, unknown>> = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    let fn: unknown;
    if (imp.module === "fuzzing-support" && imp.kind === "function") {
      fn = imp.name.startsWith("log") ? (...values: unknown[]) => { obs.events.push(`${imp.name} ${values.map(show).join(" ")}`); } : support[imp.name];
    }
    if (imp.module === "env" && imp.kind === "function") fn = env[imp.name];
    if (fn === undefined) throw new Unprovided(`${imp.module}.${imp.name} (${imp.kind})`);
    (imports[imp.module] ??= {})[imp.name] = fn;
  }
  return imports as WebAssembly.Imports;
}

class Unprovided extends Error {}

function call(instance: WebAssembly.Instance | undefined, e: Signature, args: Map<string, unknown[]>, obs: Observation): void {
  // A start function calling an export back: as a call the module cannot make yet (seed 1, 2631).
  if (instance === undefined) throw new TypeError("call-export before the instance exists");
  obs.calls++;
  if (process.env.FUZZ_TRACE) process.stderr.write(`call ${e.name} ${show(args.get(e.name))}\n`);
  obs.events.push(`${e.name}: ${show((instance.exports[e.name] as (...a: unknown[]) => unknown)(...args.get(e.name)!))}`);
}

/** Calls every export twice over (the second round sees the state the first left), each trap
 *  recorded and the next call made. */
function callAll(instance: WebAssembly.Instance, exports: Signature[], args: Map<string, unknown[]>, obs: Observation): void {
  for (let round = 0; round < 2; round++) {
    for (const e of exports) {
      try {
        call(instance, e, args, obs);
      } catch (err) {
        obs.events.push(`${e.name}: ${err instanceof BudgetSpent ? "call budget spent" : thrown(err)}`);
      }
    }
  }
}

/** A failed instantiation: a data segment out of bounds traps natively as such, instrumented as
 *  the out-of-bounds write the host makes through the MMU. */
function instantiateFailure(e: unknown): string {
  const what = thrown(e);
  return /data segment/.test(what) ? "trap memory access out of bounds" : what;
}

function exportedGlobals(instance: WebAssembly.Instance): string[] {
  return Object.entries(instance.exports).filter(([, v]) => v instanceof WebAssembly.Global)
    .map(([name, g]) => {
      try {
        return `${name}=${show((g as WebAssembly.Global).value)}`;
      } catch {
        return `${name}=(not readable from JavaScript)`; // a v128 global
      }
    });
}

const newObservation = (): Observation => ({ events: [], globals: [], memory: null, calls: 0 });

function runNative(module: WebAssembly.Module, exports: Signature[], args: Map<string, unknown[]>): Observation {
  const obs = newObservation();
  let instance: WebAssembly.Instance | undefined;
  const imports = fuzzImports(module, obs, exports, args, () => instance);
  try {
    instance = new WebAssembly.Instance(module, imports);
  } catch (e) {
    obs.events.push(`instantiate: ${instantiateFailure(e)}`);
    return obs;
  }
  callAll(instance, exports, args, obs);
  obs.globals = exportedGlobals(instance);
  const memory = instance.exports[MEMORY_EXPORT] ?? Object.values(instance.exports).find((v) => v instanceof WebAssembly.Memory);
  if (memory instanceof WebAssembly.Memory) obs.memory = new Uint8Array(memory.buffer).slice();
  return obs;
}

/** The first difference between two observations, or null. */
function compare(native: Observation, inst: Observation): string | null {
  const n = Math.max(native.events.length, inst.events.length);
  for (let i = 0; i < n; i++) {
    if (native.events[i] !== inst.events[i]) {
      return `event ${i}: native "${native.events[i] ?? "(none)"}", instrumented "${inst.events[i] ?? "(none)"}"`;
    }
  }
  if (native.globals.join() !== inst.globals.join()) return `exported globals: native ${native.globals.join(" ")}, instrumented ${inst.globals.join(" ")}`;
  if ((native.memory === null) !== (inst.memory === null)) return "memory: one run has none";
  if (native.memory && inst.memory) {
    if (native.memory.length !== inst.memory.length) return `memory size: native ${native.memory.length} bytes, instrumented ${inst.memory.length}`;
    for (let i = 0; i < native.memory.length; i++) {
      if (native.memory[i] !== inst.memory[i]) return `memory byte 0x${i.toString(16)}: native ${native.memory[i]}, instrumented ${inst.memory[i]}`;
    }
  }
  return null;
}

/** Runs `bytes` natively and instrumented under `options` (a paging configuration) and compares. */
export async function differential(bytes: Uint8Array, options: Omit<RunOptions, "workload">, argSeed: number): Promise<Outcome> {
  let native: WebAssembly.Module;
  let prepared: ReturnType<typeof inspect>;
  try {
    prepared = inspect(bytes);
    native = new WebAssembly.Module(prepared.bytes as Uint8Array<ArrayBuffer>);
  } catch (e) {
    return { kind: "skipped", reason: `not compiled: ${(e as Error).message.split("\n")[0]}` };
  }
  const config = resolveConfig({ workload: "fuzz.wasm", ...options });
  let inst;
  try {
    inst = instrument(prepared.bytes, config.pageSizeBytes);
  } catch (e) {
    if (e instanceof InstrumentError) return { kind: "refused", reason: e.message };
    return { kind: "difference", what: `the instrumenter failed: ${(e as Error).message}`, accesses: 0, calls: 0 };
  }
  const { exports } = prepared;
  const args = argumentsFor(exports, argSeed);
  let nativeObs: Observation;
  try {
    nativeObs = runNative(native, exports, args);
  } catch (e) {
    if (e instanceof Unprovided) return { kind: "skipped", reason: `imports ${e.message}` };
    if (e instanceof StackOverflow) return { kind: "skipped", reason: "the native run ran out of stack" };
    throw e;
  }
  let trapped: WebAssembly.Module;
  try {
    trapped = new WebAssembly.Module(inst.binary as Uint8Array<ArrayBuffer>);
  } catch (e) {
    return { kind: "difference", what: `the instrumented module does not compile: ${(e as Error).message}`, accesses: 0, calls: nativeObs.calls };
  }
  const obs = newObservation();
  let started = false;
  const entry: Entry = {
    imports: (vm) => {
      let instance: WebAssembly.Instance | undefined;
      const imports = fuzzImports(native, obs, exports, args, () => instance);
      entryState.vm = vm;
      entryState.setInstance = (i) => { instance = i; };
      return imports;
    },
    start: (instance) => {
      started = true;
      entryState.setInstance!(instance);
      callAll(instance, exports, args, obs);
      obs.globals = exportedGlobals(instance);
      const vm = entryState.vm!;
      if (inst.initialWasmPages > 0 || vm.bytes() > 0 || nativeObs.memory !== null) obs.memory = vm.read(0, vm.bytes());
      return 0;
    },
  };
  const entryState: { vm?: Parameters<Entry["imports"]>[0]; setInstance?: (i: WebAssembly.Instance) => void } = {};
  let accesses = 0;
  try {
    const r = await runInstrumented(config, inst, trapped, {}, entry);
    accesses = r.accesses;
    if (r.framesUsed > config.localPages) return { kind: "difference", what: `${r.framesUsed} frames used, over the ${config.localPages} local pages`, accesses, calls: obs.calls };
  } catch (e) {
    if (e instanceof StackOverflow) return { kind: "skipped", reason: "the instrumented run ran out of stack" };
    // Before the entry starts, a trap, a wasm exception or a TypeError at the JavaScript boundary
    // (a start function logging a v128) is the module's own failure to instantiate: compared
    // with the native run's below. Anything else is remora's.
    if (started || !(e instanceof WebAssembly.RuntimeError || e instanceof WasmException || e instanceof TypeError)) {
      return { kind: "difference", what: `the instrumented run failed: ${(e as Error).stack}`, accesses, calls: obs.calls };
    }
    obs.events.push(`instantiate: ${instantiateFailure(e)}`);
  }
  const what = compare(nativeObs, obs);
  if (what !== null) return { kind: "difference", what, accesses, calls: obs.calls };
  return { kind: "same", accesses, calls: obs.calls, functions: exports.length };
}

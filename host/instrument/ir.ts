// The instrumenter's vocabulary: Binaryen's expression kinds as binaryen.js names them, each kind's
// children in evaluation order, the kinds refused outright, and the shapes the passes look for
// (constants, affine addresses, the loads and stores themselves). No rewriting happens here.
import binaryen from "./binaryen.ts";

// The features binaryen reads and writes modules with: every one binaryen.js names, but those that
// make it write what V8 in Node 20 reads as something else or refuses, and that no module this V8
// runs without flags uses: GC (typed references: a temporary local holding a ref.func would be
// written `(ref $sig)`, whose 0x64 this V8 reads as stringref: fuzzing, seed 1, module 7172),
// strings, compact imports, and the bits of Features.All binaryen.js leaves unnamed (custom
// descriptors' exact types among them).
const { All, CompactImports: _compact, Strings: _strings, GC: _gc, ...named } = binaryen.Features as unknown as Record<string, number>;
export const FEATURES = Object.values(named).reduce((a, b) => a | b, 0) & All;
export const PREFIX = "__remora_";
/** binaryen.js's per-kind accessor classes (binaryen.Load.getPtr, ...), which its typings omit. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const classes = binaryen as unknown as Record<string, Record<string, (...args: any[]) => any>>;
/** Data segment accessors, also missing from the typings. */
export interface DataSegments {
  getNumDataSegments(): number;
  getDataSegmentByIndex(i: number): number;
  getDataSegmentInfo(segment: number): { offset: number; data: ArrayBuffer; passive: boolean };
}

/** Children of each expression kind, by the binaryen.js accessor names. Kinds missing here are
 *  refused by name, so nothing slips past the MMU unseen. */
export const SCALAR_CHILDREN: Record<string, string[]> = {
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
export const LIST_CHILDREN: Record<string, [count: string, at: string]> = {
  Block: ["getNumChildren", "ChildAt"], Call: ["getNumOperands", "OperandAt"],
  CallIndirect: ["getNumOperands", "OperandAt"], Throw: ["getNumOperands", "OperandAt"],
  TupleMake: ["getNumOperands", "OperandAt"], Try: ["getNumCatchBodies", "CatchBodyAt"],
  CallRef: ["getNumOperands", "OperandAt"],
};
export const LEAVES = new Set([
  "LocalGet", "GlobalGet", "Const", "Nop", "Unreachable", "MemorySize", "DataDrop", "RefNull",
  "RefFunc", "TableSize", "Rethrow", "Pop",
]);
export const REFUSED: Record<string, string> = {
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

export const kindOf = (e: binaryen.ExpressionRef): string => KIND_BY_ID.get(binaryen.getExpressionId(e)) ?? "unknown";
/** The value of an i32 constant, or null for any other expression. */
export const constValue = (e: binaryen.ExpressionRef): number | null => {
  if (kindOf(e) !== "Const") return null;
  // binaryen.getExpressionInfo finds its fields by name at every call: slow in the hot paths.
  return binaryen.getExpressionType(e) === binaryen.i32 ? classes.Const.getValueI32(e) as number
    : (binaryen.getExpressionInfo(e) as unknown as { value: number }).value;
};

/** An i32 address as a sum of terms (locals and globals, each times a constant) and a constant,
 *  in i32 arithmetic: `terms` names the sum canonically, so two addresses with equal terms differ
 *  by their constants exactly. A local.tee counts as its local (the value later gets read). Null
 *  for anything else (a load, a division, ...). */
export function affine(e: binaryen.ExpressionRef, localName: (index: number) => string): { terms: string; c: number } | null {
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
export function childrenOf(e: binaryen.ExpressionRef): binaryen.ExpressionRef[] {
  const children: binaryen.ExpressionRef[] = [];
  const reader = CHILD_READERS.get(binaryen.getExpressionId(e));
  if (reader === undefined) return children;
  for (const get of reader.scalar) {
    const child = get(e);
    if (child) children.push(child);
  }
  if (reader.count !== null) for (let i = 0, n = reader.count(e); i < n; i++) children.push(reader.at!(e, i));
  return children;
}

/** Each kind's child accessors, by expression id, looked up once (every walk of every pass goes
 *  through childrenOf). */
type Get = (e: binaryen.ExpressionRef, i?: number) => binaryen.ExpressionRef;
const CHILD_READERS = new Map<number, { scalar: Get[]; count: Get | null; at: Get | null }>();
for (const [id, kind] of KIND_BY_ID) {
  const cls = classes[kind];
  const list = LIST_CHILDREN[kind];
  CHILD_READERS.set(id, {
    scalar: (SCALAR_CHILDREN[kind] ?? []).map((field) => cls[`get${field}`]),
    count: list ? cls[list[0]] : null,
    at: list ? cls[`get${list[1]}`] : null,
  });
}

/** Whether an expression sets a local or a global anywhere in it. */
export const setsAnything = (e: binaryen.ExpressionRef): boolean =>
  kindOf(e) === "LocalSet" || kindOf(e) === "GlobalSet" || childrenOf(e).some(setsAnything);

/** What a load or store does: kind, value type, width, signedness, constant offset. */
export type Access = { kind: "ld" | "st"; type: number; bytes: number; signed: boolean; offset: number };

export const typeName = (t: number): string => {
  switch (t) {
    case binaryen.i32: return "i32";
    case binaryen.i64: return "i64";
    case binaryen.f32: return "f32";
    case binaryen.f64: return "f64";
    case binaryen.v128: return "v128";
    default: throw new Error(`unexpected access type ${t}`);
  }
};
export const accessName = (a: Access): string =>
  `${typeName(a.type)}_${a.bytes}${a.signed ? "s" : "u"}`;

/** What a load or store expression does. */
export const accessOf = (e: binaryen.ExpressionRef): Access => {
  const { Load, Store } = classes;
  if (kindOf(e) === "Load") {
    return { kind: "ld", type: binaryen.getExpressionType(e), bytes: Load.getBytes(e), signed: Boolean(Load.isSigned(e)), offset: Load.getOffset(e) >>> 0 };
  }
  return { kind: "st", type: Store.getValueType(e), bytes: Store.getBytes(e), signed: false, offset: Store.getOffset(e) >>> 0 };
};

/** A load's or store's pointer, whether it is atomic, and a store's value (0 for a load). */
export const ptrOf = (e: binaryen.ExpressionRef): binaryen.ExpressionRef =>
  (kindOf(e) === "Load" ? classes.Load : classes.Store).getPtr(e);
export const isAtomicAccess = (e: binaryen.ExpressionRef): boolean =>
  Boolean((kindOf(e) === "Load" ? classes.Load : classes.Store).isAtomic(e));
export const storeValueOf = (e: binaryen.ExpressionRef): binaryen.ExpressionRef =>
  (kindOf(e) === "Store" ? classes.Store.getValue(e) : 0);

/** The loads and stores in statements, in evaluation order. */
export function accessesIn(statements: binaryen.ExpressionRef[]): binaryen.ExpressionRef[] {
  const found: binaryen.ExpressionRef[] = [];
  const collect = (e: binaryen.ExpressionRef): void => {
    childrenOf(e).forEach(collect);
    if (kindOf(e) === "Load" || kindOf(e) === "Store") found.push(e);
  };
  statements.forEach(collect);
  return found;
}

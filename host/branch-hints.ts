// Branch hints written straight into the binary: the branch-hinting proposal's custom section
// "metadata.code.branch_hint", which tells V8 that every fast-path `if` is likely taken, so it
// lays the slow path out of line. binaryen.js has no API for hints. It has debug locations, and a
// source map of the binary it emits, which gives the byte offset of each expression that has one.
// So: mark each fast-path `if` with a debug location in a file of its own, emit with a source map,
// read the marked offsets back, and write the hints section from them. (Before, the whole module
// went through the text format and back: most of the instrumenting time of a large module.)
//
//   (if (i32.lt_u (i32.xor ...) ...) ...)   ->   custom section metadata.code.branch_hint, before
//   a fast path's hit test, in function f         the code section: [f, [(offset of the `if` from
//                                                  the start of f's body, 1, 0x01: likely taken)]]

import binaryen from "./instrument/binaryen.ts";

const HINT_FILE = "remora-branch-hints";
const SECTION_NAME = "metadata.code.branch_hint";
const CODE_SECTION = 10;
const OP_IF = 0x04;
/** The source map writer starts from file 0, line 1, column 0 as its "last location" and skips a
 *  location equal to it: the marks use line 2. */
const HINT_LINE = 2;

/** Emits `module` with every `if` that isHinted accepts hinted as likely taken. */
export function emitWithBranchHints(module: binaryen.Module, isHinted: (e: binaryen.ExpressionRef) => boolean,
  childrenOf: (e: binaryen.ExpressionRef) => binaryen.ExpressionRef[]): Uint8Array {
  const file = module.addDebugInfoFileName(HINT_FILE);
  let importedFunctions = 0;
  for (let i = 0; i < module.getNumFunctions(); i++) {
    const fn = module.getFunctionByIndex(i);
    const info = binaryen.getFunctionInfo(fn);
    if (info.module) {
      importedFunctions++;
      continue;
    }
    const stack = [info.body];
    while (stack.length > 0) {
      const e = stack.pop()!;
      if (e === 0) continue;
      if (binaryen.getExpressionId(e) === binaryen.IfId && isHinted(e)) module.setDebugLocation(fn, e, file, HINT_LINE, 0);
      for (const child of childrenOf(e)) stack.push(child);
    }
  }
  const { binary, sourceMap } = module.emitBinary("remora.map") as unknown as { binary: Uint8Array; sourceMap: string };
  const map = JSON.parse(sourceMap) as { sources: string[]; mappings: string };
  return withHintSection(withoutCustomSections(binary), markedOffsets(map.mappings, map.sources.indexOf(HINT_FILE)), importedFunctions);
}

/** The generated offsets (wasm source maps: line 1, column = byte offset) of every segment that
 *  maps to source file `fileIndex`. */
function markedOffsets(mappings: string, fileIndex: number): number[] {
  const offsets: number[] = [];
  let column = 0;
  let source = 0;
  for (const segment of mappings.split(",")) {
    if (segment === "") continue;
    const fields = decodeVlq(segment);
    column += fields[0];
    if (fields.length >= 4) {
      source += fields[1];
      if (source === fileIndex) offsets.push(column);
    }
  }
  return offsets;
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** A source map segment's base64 VLQ fields. */
function decodeVlq(segment: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const ch of segment) {
    const digit = BASE64.indexOf(ch);
    value += (digit & 31) * 2 ** shift;
    if (digit & 32) {
      shift += 5;
    } else {
      out.push(value % 2 ? -Math.floor(value / 2) : value / 2);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

/** An unsigned LEB128 number at `at`: its value and the position after it. */
function readU32(bytes: Uint8Array, at: number): [value: number, next: number] {
  let result = 0;
  for (let shift = 0; ; shift += 7) {
    const b = bytes[at++];
    result += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return [result, at];
  }
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

/** The module's sections: id, where the section starts (its id byte), its content and its end. */
function sections(binary: Uint8Array): { id: number; start: number; contentStart: number; end: number }[] {
  const out = [];
  for (let at = 8; at < binary.length;) {
    const [size, contentStart] = readU32(binary, at + 1);
    out.push({ id: binary[at], start: at, contentStart, end: contentStart + size });
    at = contentStart + size;
  }
  return out;
}

/** The binary without its custom sections: the sourceMappingURL that emitting with a source map
 *  adds, and what the original module carried (DWARF, names), whose offsets the rewrite made
 *  wrong. (The text round trip dropped them too.) */
function withoutCustomSections(binary: Uint8Array): Uint8Array {
  const kept = sections(binary).filter((s) => s.id !== 0);
  const out = new Uint8Array(8 + kept.reduce((n, s) => n + s.end - s.start, 0));
  out.set(binary.subarray(0, 8));
  let at = 8;
  for (const s of kept) {
    out.set(binary.subarray(s.start, s.end), at);
    at += s.end - s.start;
  }
  return out;
}

/** Inserts the hints section before the code section: each marked offset that is an `if` in a
 *  function body, as (function index, offset from the start of the body, likely taken). */
function withHintSection(binary: Uint8Array, offsets: number[], importedFunctions: number): Uint8Array {
  const code = sections(binary).find((s) => s.id === CODE_SECTION);
  if (!code || offsets.length === 0) return binary;
  offsets.sort((a, b) => a - b);
  let [count, at] = readU32(binary, code.contentStart);
  const content: number[] = [];
  let hinted = 0;
  let next = 0; // the first offset not yet placed
  for (let f = 0; f < count; f++) {
    const [size, body] = readU32(binary, at); // body: its locals, then its code
    const end = body + size;
    const hints: number[] = [];
    while (next < offsets.length && offsets[next] < end) {
      const offset = offsets[next++];
      if (offset >= body && binary[offset] === OP_IF) hints.push(offset - body);
    }
    if (hints.length > 0) {
      content.push(...leb(importedFunctions + f), ...leb(hints.length));
      for (const h of hints) content.push(...leb(h), 1, 1);
      hinted++;
    }
    at = end;
  }
  if (hinted === 0) return binary;
  const name = new TextEncoder().encode(SECTION_NAME);
  const payload = [...leb(name.length), ...name, ...leb(hinted), ...content];
  const section = [0, ...leb(payload.length), ...payload];
  const out = new Uint8Array(binary.length + section.length);
  out.set(binary.subarray(0, code.start));
  out.set(section, code.start);
  out.set(binary.subarray(code.start), code.start + section.length);
  return out;
}

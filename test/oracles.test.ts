// Independent oracles for the figures a run reports: access counts from a replay of the program's
// own addresses (a TypeScript mirror of the wasm program) or from a closed form of its structure,
// remote accesses from a simulation of the policy as the README defines it, and working sets from
// the pages a run really touched (the page table at the end of the run). None of them reads how
// the instrumenter or the MMU compute their figures.
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, runNative, type MmuExports } from "../host/engine.ts";
import { prepare } from "../host/modules.ts";
import { run } from "../host/run.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { watFile } from "./wat.ts";



// ---- A program that mixes every access width with calls, branches, loops and bulk operations ----
//
// run(n, seed): grows memory by one wasm page (4 -> 5), reads a word of its data segment, then
// makes n + (seed & 15) steps; each step advances an xorshift32 state x (from seed | 1) and does
// one of 32 things, chosen by x & 31, at an address drawn from x. Seed bit 8 set turns
// memory.fill and memory.copy into no-ops (for the counter oracles below).

const WASM_PAGE = 65536;
const MEM = 5 * WASM_PAGE;
const DATA_AT = 0x40;
const DATA = [...Buffer.from("remora-oracle-01")];

type ValType = "i32" | "i64" | "f32" | "f64";
interface LoadOp { op: string; type: ValType; bytes: number; signed: boolean; offset: number }
interface StoreOp { op: string; type: ValType; bytes: number; offset: number }

const LOADS: LoadOp[] = [
  { op: "i32.load", type: "i32", bytes: 4, signed: false, offset: 0 },
  { op: "i64.load", type: "i64", bytes: 8, signed: false, offset: 5 },
  { op: "f32.load", type: "f32", bytes: 4, signed: false, offset: 10 },
  { op: "f64.load", type: "f64", bytes: 8, signed: false, offset: 0 },
  { op: "i32.load8_s", type: "i32", bytes: 1, signed: true, offset: 5 },
  { op: "i32.load8_u", type: "i32", bytes: 1, signed: false, offset: 10 },
  { op: "i32.load16_s", type: "i32", bytes: 2, signed: true, offset: 0 },
  { op: "i32.load16_u", type: "i32", bytes: 2, signed: false, offset: 5 },
  { op: "i64.load8_s", type: "i64", bytes: 1, signed: true, offset: 10 },
  { op: "i64.load8_u", type: "i64", bytes: 1, signed: false, offset: 0 },
  { op: "i64.load16_s", type: "i64", bytes: 2, signed: true, offset: 5 },
  { op: "i64.load16_u", type: "i64", bytes: 2, signed: false, offset: 10 },
  { op: "i64.load32_s", type: "i64", bytes: 4, signed: true, offset: 0 },
  { op: "i64.load32_u", type: "i64", bytes: 4, signed: false, offset: 5 },
];
const STORES: StoreOp[] = [
  { op: "i32.store", type: "i32", bytes: 4, offset: 10 },
  { op: "i64.store", type: "i64", bytes: 8, offset: 0 },
  { op: "f32.store", type: "f32", bytes: 4, offset: 5 },
  { op: "f64.store", type: "f64", bytes: 8, offset: 10 },
  { op: "i32.store8", type: "i32", bytes: 1, offset: 0 },
  { op: "i32.store16", type: "i32", bytes: 2, offset: 5 },
  { op: "i64.store8", type: "i64", bytes: 1, offset: 10 },
  { op: "i64.store16", type: "i64", bytes: 2, offset: 0 },
  { op: "i64.store32", type: "i64", bytes: 4, offset: 5 },
];

const get = (l: string) => `(local.get $${l})`;
/** $h = mix($h, word), FNV-1a style, through a call. */
const mixInto = (word: string) => `(local.set $h (call $mix ${get("h")} ${word}))`;

function loadCase(o: LoadOp): string {
  const load = `(${o.op} offset=${o.offset} ${get("a")})`;
  switch (o.type) {
    case "i32": return mixInto(load);
    case "f32": return mixInto(`(i32.reinterpret_f32 ${load})`);
    case "i64": case "f64": {
      const v = o.type === "f64" ? `(i64.reinterpret_f64 ${load})` : load;
      return `(local.set $w ${v}) ${mixInto("(i32.wrap_i64 (local.get $w))")} ${mixInto("(i32.wrap_i64 (i64.shr_u (local.get $w) (i64.const 32)))")}`;
    }
  }
}

function storeCase(o: StoreOp): string {
  const value = { i32: get("x"), i64: get("v"), f32: `(f32.convert_i32_s ${get("x")})`, f64: `(f64.convert_i32_u ${get("x")})` }[o.type];
  return `(${o.op} offset=${o.offset} ${get("a")} ${value})`;
}

const SPECIAL_CASES = [
  // 23: an i64 store and an i32.load16_u, each straddling a page boundary of any page size
  `(local.set $b (i32.sub (i32.mul (i32.add (i32.rem_u (i32.shr_u ${get("x")} (i32.const 8)) (i32.const 4)) (i32.const 1)) (i32.const ${WASM_PAGE})) (i32.const 3)))
   (i64.store ${get("b")} ${get("v")})
   ${mixInto(`(i32.load16_u offset=2 ${get("b")})`)}`,
  // 24: a call to a function that stores and loads
  mixInto(`(i32.wrap_i64 (call $helper ${get("a")} ${get("v")}))`),
  // 25: memory.fill of up to 8 KiB, then a load of its first byte
  `(if (i32.eqz (i32.and ${get("seed")} (i32.const 256))) (then
     (local.set $b (i32.rem_u (i32.shr_u ${get("x")} (i32.const 8)) (i32.const ${MEM - 8192})))
     (memory.fill ${get("b")} ${get("x")} (i32.and (i32.shr_u ${get("x")} (i32.const 19)) (i32.const 8191)))
     ${mixInto(`(i32.load8_u ${get("b")})`)}))`,
  // 26: memory.copy of up to 8 KiB between ranges up to 16 KiB apart (overlapping either way or
  // not), then a load of the first byte copied
  `(if (i32.eqz (i32.and ${get("seed")} (i32.const 256))) (then
     (local.set $b (i32.add (i32.const 16384) (i32.rem_u (i32.shr_u ${get("x")} (i32.const 8)) (i32.const ${MEM - 40960}))))
     (local.set $m (i32.add ${get("b")} (i32.sub (i32.and (i32.shr_u ${get("x")} (i32.const 2)) (i32.const 32767)) (i32.const 16384))))
     (memory.copy ${get("m")} ${get("b")} (i32.and (i32.shr_u ${get("x")} (i32.const 19)) (i32.const 8191)))
     ${mixInto(`(i32.load8_u ${get("m")})`)}))`,
  // 27: a strided loop with no call (the instrumenter's page run): up to 127 words read and
  // incremented
  `(local.set $b (i32.and (i32.rem_u (i32.shr_u ${get("x")} (i32.const 8)) (i32.const ${MEM - 1024})) (i32.const -4)))
   (local.set $m (i32.shr_u ${get("x")} (i32.const 25)))
   (local.set $k (i32.const 0))
   (loop $run
     (if (i32.lt_u ${get("k")} ${get("m")})
       (then
         (local.set $t (i32.load (i32.add ${get("b")} (i32.shl ${get("k")} (i32.const 2)))))
         (local.set $h (i32.add ${get("h")} ${get("t")}))
         (i32.store (i32.add ${get("b")} (i32.shl ${get("k")} (i32.const 2))) (i32.add ${get("t")} (i32.const 1)))
         (local.set $k (i32.add ${get("k")} (i32.const 1)))
         (br $run))))`,
  // 28: straight code from one pointer (the instrumenter's region)
  `(local.set $b (i32.and ${get("a")} (i32.const -8)))
   (local.set $h (i32.xor ${get("h")} (i32.load ${get("b")})))
   (local.set $h (i32.xor ${get("h")} (i32.load offset=4 ${get("b")})))
   (i64.store offset=8 ${get("b")} ${get("v")})
   (local.set $h (i32.xor ${get("h")} (i32.load16_u offset=16 ${get("b")})))
   (f64.store offset=24 ${get("b")} (f64.convert_i32_u ${get("x")}))`,
  // 29: a branch: a store or a load
  `(if (i32.and ${get("x")} (i32.const 256))
     (then (i32.store ${get("a")} ${get("i")}))
     (else ${mixInto(`(i32.load8_s ${get("a")})`)}))`,
  // 30: memory.size and memory.grow by 0: no access
  mixInto(`(i32.add (memory.size) (memory.grow (i32.const 0)))`),
  // 31: a call that returns early after a load, or stores
  mixInto(`(call $leaf ${get("a")} ${get("x")})`),
];

function mixedModule(): string {
  const cases = [...LOADS.map(loadCase), ...STORES.map(storeCase), ...SPECIAL_CASES];
  assert.equal(cases.length, 32);
  let dispatch = `(br_table ${cases.map((_, c) => `$c${c}`).join(" ")} ${get("op")})`;
  cases.forEach((code, c) => { dispatch = `(block $c${c} ${dispatch}) ${code} (br $next)`; });
  const data = DATA.map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("");
  return watFile("mixed", `(module
    (memory 4)
    (data (i32.const ${DATA_AT}) "${data}")
    (func $mix (param $h i32) (param $v i32) (result i32)
      (i32.mul (i32.xor (local.get $h) (local.get $v)) (i32.const 16777619)))
    (func $helper (param $a i32) (param $v i64) (result i64)
      (i64.store16 offset=1 (local.get $a) (local.get $v))
      (i64.load8_u offset=3 (local.get $a)))
    (func $leaf (param $a i32) (param $x i32) (result i32)
      (if (i32.and (local.get $x) (i32.const 1)) (then (return (i32.load offset=2 (local.get $a)))))
      (i32.store offset=2 (local.get $a) (local.get $x))
      (i32.const 0))
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $x i32) (local $i i32) (local $steps i32) (local $a i32) (local $b i32) (local $m i32)
      (local $k i32) (local $t i32) (local $op i32) (local $h i32) (local $v i64) (local $w i64)
      (drop (memory.grow (i32.const 1)))
      (local.set $h (i32.load (i32.const ${DATA_AT})))
      (local.set $x (i32.or (local.get $seed) (i32.const 1)))
      (local.set $steps (i32.add (local.get $n) (i32.and (local.get $seed) (i32.const 15))))
      (block $done
        (loop $step
          (br_if $done (i32.ge_u (local.get $i) (local.get $steps)))
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 13))))
          (local.set $x (i32.xor (local.get $x) (i32.shr_u (local.get $x) (i32.const 17))))
          (local.set $x (i32.xor (local.get $x) (i32.shl (local.get $x) (i32.const 5))))
          (local.set $a (i32.rem_u (i32.shr_u (local.get $x) (i32.const 8)) (i32.const ${MEM - 64})))
          (local.set $v (i64.or (i64.shl (i64.extend_i32_u (local.get $x)) (i64.const 32)) (i64.extend_i32_u (local.get $i))))
          (local.set $op (i32.and (local.get $x) (i32.const 31)))
          (block $next ${dispatch})
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $step)))
      (local.get $h)))`);
}

/** What the program did to memory, in order: single accesses and bulk operations. */
type MemEvent =
  | { kind: "load"; addr: number; bytes: number }
  | { kind: "store"; addr: number; bytes: number }
  | { kind: "fill"; dst: number; len: number }
  | { kind: "copy"; dst: number; src: number; len: number };

/** The same program in TypeScript over a DataView: its checksum (to show it follows the wasm
 *  program step for step) and every memory event it makes. */
function mirrorMixed(n: number, seed: number): { checksum: number; events: MemEvent[] } {
  const mem = new DataView(new ArrayBuffer(MEM));
  DATA.forEach((b, k) => mem.setUint8(DATA_AT + k, b));
  const events: MemEvent[] = [];
  const touch = (kind: "load" | "store", addr: number, bytes: number) => {
    assert.ok(addr + bytes <= MEM, "the mirror stays in bounds");
    events.push({ kind, addr, bytes });
  };
  let h = 0;
  const mix = (word: number) => { h = Math.imul(h ^ word, 16777619) >>> 0; };
  const u32 = (addr: number) => { touch("load", addr, 4); return mem.getUint32(addr, true); };

  h = u32(DATA_AT);
  let x = (seed | 1) >>> 0;
  const steps = (n + (seed & 15)) >>> 0;
  for (let i = 0; i < steps; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    const a = (x >>> 8) % (MEM - 64);
    const v = (BigInt(x) << 32n) | BigInt(i);
    const op = x & 31;
    const bulk = (seed & 256) === 0;
    if (op < LOADS.length) {
      const o = LOADS[op];
      const at = a + o.offset;
      touch("load", at, o.bytes);
      let lo: number;
      switch (o.bytes) {
        case 1: lo = o.signed ? mem.getInt8(at) : mem.getUint8(at); break;
        case 2: lo = o.signed ? mem.getInt16(at, true) : mem.getUint16(at, true); break;
        case 4: lo = o.signed ? mem.getInt32(at, true) : mem.getUint32(at, true); break;
        default: lo = mem.getUint32(at, true);
      }
      if (o.type === "i32" || o.type === "f32") mix(lo >>> 0);
      else {
        const hi = o.bytes === 8 ? mem.getUint32(at + 4, true) : lo < 0 ? 0xffffffff : 0;
        mix(lo >>> 0);
        mix(hi);
      }
    } else if (op < LOADS.length + STORES.length) {
      const o = STORES[op - LOADS.length];
      const at = a + o.offset;
      touch("store", at, o.bytes);
      if (o.type === "f32") mem.setFloat32(at, x | 0, true);
      else if (o.type === "f64") mem.setFloat64(at, x, true);
      else {
        const value = o.type === "i32" ? BigInt(x) : v;
        for (let k = 0; k < o.bytes; k++) mem.setUint8(at + k, Number((value >> BigInt(8 * k)) & 0xffn));
      }
    } else {
      switch (op) {
        case 23: {
          const b = ((x >>> 8) % 4 + 1) * WASM_PAGE - 3;
          touch("store", b, 8);
          mem.setBigUint64(b, v, true);
          mix(u16(b + 2));
          break;
        }
        case 24:
          touch("store", a + 1, 2);
          mem.setUint16(a + 1, Number(v & 0xffffn), true);
          touch("load", a + 3, 1);
          mix(mem.getUint8(a + 3));
          break;
        case 25: {
          if (!bulk) break;
          const b = (x >>> 8) % (MEM - 8192);
          const len = (x >>> 19) & 8191;
          events.push({ kind: "fill", dst: b, len });
          for (let k = 0; k < len; k++) mem.setUint8(b + k, x & 0xff);
          touch("load", b, 1);
          mix(mem.getUint8(b));
          break;
        }
        case 26: {
          if (!bulk) break;
          const src = 16384 + (x >>> 8) % (MEM - 40960);
          const dst = src + ((x >>> 2) & 32767) - 16384;
          const len = (x >>> 19) & 8191;
          events.push({ kind: "copy", dst, src, len });
          new Uint8Array(mem.buffer).copyWithin(dst, src, src + len);
          touch("load", dst, 1);
          mix(mem.getUint8(dst));
          break;
        }
        case 27: {
          const b = ((x >>> 8) % (MEM - 1024)) & ~3;
          const m = x >>> 25;
          for (let k = 0; k < m; k++) {
            const t = u32(b + 4 * k);
            h = (h + t) >>> 0;
            touch("store", b + 4 * k, 4);
            mem.setUint32(b + 4 * k, (t + 1) >>> 0, true);
          }
          break;
        }
        case 28: {
          const b = a & ~7;
          h = (h ^ u32(b)) >>> 0;
          h = (h ^ u32(b + 4)) >>> 0;
          touch("store", b + 8, 8);
          mem.setBigUint64(b + 8, v, true);
          h = (h ^ u16(b + 16)) >>> 0;
          touch("store", b + 24, 8);
          mem.setFloat64(b + 24, x, true);
          break;
        }
        case 29:
          if (x & 256) { touch("store", a, 4); mem.setUint32(a, i, true); }
          else { touch("load", a, 1); mix(mem.getInt8(a) >>> 0); }
          break;
        case 30:
          mix(5 + 5);
          break;
        case 31:
          if (x & 1) { mix(u32(a + 2)); }
          else { touch("store", a + 2, 4); mem.setUint32(a + 2, x, true); mix(0); }
          break;
      }
    }
  }
  return { checksum: h, events };

  function u16(addr: number): number {
    touch("load", addr, 2);
    return mem.getUint16(addr, true);
  }
}

/** Bytes a bulk operation moves in one piece: its ranges cut wherever the source or the
 *  destination crosses a page boundary, in the order memmove moves them (from the end when the
 *  destination overlaps the source from above). */
function bulkPieces(dst: number, src: number, len: number, page: number): { dst: number; src: number; len: number }[] {
  const pieces = [];
  let start = 0;
  for (let off = 1; off <= len; off++) {
    if (off === len || (src + off) % page === 0 || (dst + off) % page === 0) {
      pieces.push({ dst: dst + start, src: src + start, len: off - start });
      start = off;
    }
  }
  return dst > src && dst - src < len ? pieces.reverse() : pieces;
}

/** The README's rule: memory.fill and memory.copy count one access per 8 bytes (of each piece). */
const words = (bytes: number) => Math.ceil(bytes / 8);

function expectedCounts(events: MemEvent[], page: number): { loads: number; stores: number } {
  let loads = 0;
  let stores = 0;
  for (const e of events) {
    if (e.kind === "load") loads++;
    else if (e.kind === "store") stores++;
    else if (e.kind === "fill") for (const p of bulkPieces(e.dst, e.dst, e.len, page)) stores += words(p.len);
    else for (const p of bulkPieces(e.dst, e.src, e.len, page)) { loads += words(p.len); stores += words(p.len); }
  }
  return { loads, stores };
}

/** Each page use in order, with the accesses it counts and the access clock at that moment (the
 *  number of accesses made so far, this one included): 1 for an access within one page; each
 *  byte's page, counting 0, for one that straddles two (it is counted once, as local: see
 *  remoteUse in assembly/mmu.ts); each piece's pages, counting its words, for a bulk operation. */
interface PageUse { page: number; count: number; time: number }
function pageUses(events: MemEvent[], page: number): PageUse[] {
  const uses: PageUse[] = [];
  const pg = (addr: number) => Math.floor(addr / page);
  let time = 0;
  for (const e of events) {
    if (e.kind === "load" || e.kind === "store") {
      time++;
      if ((e.addr % page) + e.bytes > page) for (let k = 0; k < e.bytes; k++) uses.push({ page: pg(e.addr + k), count: 0, time });
      else uses.push({ page: pg(e.addr), count: 1, time });
    } else if (e.kind === "fill") {
      for (const p of bulkPieces(e.dst, e.dst, e.len, page)) uses.push({ page: pg(p.dst), count: words(p.len), time: time += words(p.len) });
    } else {
      for (const p of bulkPieces(e.dst, e.src, e.len, page)) {
        uses.push({ page: pg(p.src), count: words(p.len), time: time += words(p.len) });
        uses.push({ page: pg(p.dst), count: words(p.len), time: time += words(p.len) });
      }
    }
  }
  return uses;
}

/** REMOTE_MAIN as the README defines it: a page gets a local frame on first touch while one is
 *  free, else a place on a memory server, where it stays; every access to it there is remote.
 *  The host writes the data segment first (page `hostPage`), locally. */
function simulateRemoteMain(uses: PageUse[], localPages: number, hostPage: number) {
  const remote = new Set<number>();
  const local = new Set<number>([hostPage]);
  let remoteAccesses = 0;
  for (const u of uses) {
    if (!local.has(u.page) && !remote.has(u.page)) (local.size < localPages ? local : remote).add(u.page);
    if (remote.has(u.page)) remoteAccesses += u.count;
  }
  return { remoteAccesses, localPages: local.size, remotePages: remote.size };
}

/** COUNTERS as the README defines it, with local memory large enough that no local page is ever
 *  displaced: every page the program touches first starts on a server with its counter at
 *  `initial`; each remote access decrements it, and the access that brings it to zero migrates
 *  the page local (that access is still counted remote). Only for programs without bulk
 *  operations (see the report: a bulk piece counts its words but decrements once). */
function simulateCounters(uses: PageUse[], initial: number, hostPage: number) {
  const counter = new Map<number, number>();
  const local = new Set<number>([hostPage]);
  let remoteAccesses = 0;
  let migrations = 0;
  for (const u of uses) {
    assert.ok(u.count <= 1, "a bulk operation in a counters simulation");
    if (local.has(u.page)) continue;
    if (!counter.has(u.page)) counter.set(u.page, initial);
    if (u.count === 0) continue;
    remoteAccesses++;
    const left = counter.get(u.page)! - 1;
    counter.set(u.page, left);
    if (left === 0) {
      local.add(u.page);
      migrations++;
    }
  }
  return { remoteAccesses, migrations };
}

/** COUNTERS with a small local memory: as above, and a page that migrates when every local frame
 *  is in use displaces the least recently used local page (by the access clock) to a server,
 *  where it starts again with its counter at `initial`. Returns also how many victim choices had
 *  a tie for least recently used (an access straddling two local pages uses both at one time). */
function simulateCountersLru(uses: PageUse[], initial: number, localPages: number, hostPage: number) {
  const counter = new Map<number, number>();
  const lastUse = new Map<number, number>([[hostPage, 0]]); // local pages
  let remoteAccesses = 0;
  let migrations = 0;
  let ties = 0;
  for (const u of uses) {
    assert.ok(u.count <= 1, "a bulk operation in a counters simulation");
    if (lastUse.has(u.page)) {
      lastUse.set(u.page, u.time);
      continue;
    }
    if (!counter.has(u.page)) counter.set(u.page, initial);
    if (u.count === 0) continue;
    remoteAccesses++;
    const left = counter.get(u.page)! - 1;
    if (left > 0) {
      counter.set(u.page, left);
      continue;
    }
    counter.delete(u.page);
    migrations++;
    if (lastUse.size >= localPages) {
      const oldest = Math.min(...lastUse.values());
      const victims = [...lastUse].filter(([, t]) => t === oldest);
      if (victims.length > 1) ties++;
      lastUse.delete(victims[0][0]);
      counter.set(victims[0][0], initial);
    }
    lastUse.set(u.page, u.time);
  }
  return { remoteAccesses, migrations, ties };
}

const MIXED_N = 1200;
const MIXED_SEEDS = [3, 4100]; // bit 8 clear: with bulk operations
const pageBytes = { "1KiB": 1024, "4KiB": 4096, "64KiB": 65536 } as const;

test("the mirror of the mixed program returns the native checksum and makes every kind of access", async () => {
  const file = mixedModule();
  const { native } = await prepare(resolveConfig({ workload: file, n: MIXED_N }));
  for (const seed of [...MIXED_SEEDS, 256 + 5]) {
    const { checksum, events } = mirrorMixed(MIXED_N, seed);
    assert.equal(checksum, runNative(native, MIXED_N, seed).checksum, `seed ${seed}`);
    const kinds = new Set(events.map((e) => (e.kind === "load" || e.kind === "store" ? `${e.kind}${e.bytes}` : e.kind)));
    for (const k of ["load1", "load2", "load4", "load8", "store1", "store2", "store4", "store8"]) assert.ok(kinds.has(k), `seed ${seed}: no ${k}`);
    assert.equal(kinds.has("fill") && kinds.has("copy"), (seed & 256) === 0, `seed ${seed}: bulk operations`);
    if ((seed & 256) === 0) {
      const copies = events.filter((e) => e.kind === "copy");
      assert.ok(copies.some((c) => c.dst > c.src && c.dst - c.src < c.len), "no backward (overlapping) copy");
      assert.ok(copies.some((c) => c.src > c.dst && c.src - c.dst < c.len), "no forward overlapping copy");
    }
  }
  const inst = (await prepare(resolveConfig({ workload: file, n: MIXED_N }))).instrumented;
  assert.ok(inst.pageRuns > 0 && inst.regions > 0, `page runs ${inst.pageRuns}, regions ${inst.regions}: the program should exercise both`);
});

test("loads, stores and accesses of a program mixing every width, calls, branches, loops and bulk operations equal a replay of its addresses", async () => {
  const file = mixedModule();
  for (const [seed, pageSize] of [[3, "1KiB"], [3, "4KiB"], [3, "64KiB"], [4100, "4KiB"]] as const) {
    const page = pageBytes[pageSize];
    const { events } = mirrorMixed(MIXED_N, seed);
    const want = expectedCounts(events, page);
    const uses = pageUses(events, page);
    assert.ok(uses.some((u) => u.count === 0), `${pageSize}: no access straddles two pages`);
    const distinct = new Set([Math.floor(DATA_AT / page), ...uses.map((u) => u.page)]).size;
    for (const options of [
      { policy: "local" },
      { policy: "disk", localPages: page === 65536 ? 2 : 6 },
    ] as const) {
      const what = `seed ${seed}, ${pageSize}, ${JSON.stringify(options)}`;
      const r = await run({ workload: file, n: MIXED_N, seed, pageSize, ...options });
      assert.ok(r.verified, what);
      assert.equal(r.loads, want.loads, `${what}: loads`);
      assert.equal(r.stores, want.stores, `${what}: stores`);
      assert.equal(r.accesses, want.loads + want.stores, `${what}: accesses`);
      assert.equal(r.remoteAccesses, 0, what);
      if (options.policy === "local") {
        // Every page touched is faulted in once, on first touch, and stays.
        assert.equal(r.pageFaults, distinct, `${what}: page faults`);
        assert.equal(r.framesUsed, distinct, `${what}: frames`);
      } else {
        assert.ok(r.evictions > 0, `${what}: nothing was evicted`);
      }
    }
  }
});

test("remote accesses under remote-main equal a simulation that places pages locally until the frames are full, then on servers for good", async () => {
  const file = mixedModule();
  for (const [seed, pageSize, localPages] of [[3, "4KiB", 10], [4100, "4KiB", 40], [4100, "1KiB", 100]] as const) {
    const { events } = mirrorMixed(MIXED_N, seed);
    const page = pageBytes[pageSize];
    const want = simulateRemoteMain(pageUses(events, page), localPages, Math.floor(DATA_AT / page));
    const counts = expectedCounts(events, page);
    assert.ok(want.remotePages > 0 && want.remoteAccesses > 0, "the simulation places some pages remotely");
    const what = `seed ${seed}, ${pageSize}, ${localPages} local pages`;
    const r = await run({ workload: file, n: MIXED_N, seed, pageSize, policy: "remote-main", localPages });
    assert.ok(r.verified, what);
    assert.equal(r.loads, counts.loads, `${what}: loads`);
    assert.equal(r.stores, counts.stores, `${what}: stores`);
    assert.equal(r.remoteAccesses, want.remoteAccesses, `${what}: remote accesses`);
    assert.equal(r.localAccesses, counts.loads + counts.stores - want.remoteAccesses, `${what}: local accesses`);
    // Pages never move: each local page was faulted in once, nothing was evicted or migrated.
    assert.equal(r.framesUsed, want.localPages, `${what}: frames`);
    assert.equal(r.pageFaults, want.localPages, `${what}: page faults`);
    assert.equal(r.evictions + r.migrations + r.pageIns, 0, what);
    assert.equal(r.servers.reduce((a, b) => a + b, 0), want.remotePages, `${what}: pages on the servers`);
  }
});

test("under counters, a counter too large to reach zero leaves every page the program touches remote, bulk operations included", async () => {
  const file = mixedModule();
  const seed = MIXED_SEEDS[0];
  const { events } = mirrorMixed(MIXED_N, seed);
  const uses = pageUses(events, 4096);
  // The data segment's page is written by the host before the program runs: local.
  const hostPage = Math.floor(DATA_AT / 4096);
  const want = uses.filter((u) => u.page !== hostPage).reduce((sum, u) => sum + u.count, 0);
  for (const policy of ["counters", "software-counters"]) {
    const r = await run({ workload: file, n: MIXED_N, seed, policy, localPages: 128, counter: 2 ** 24 - 1 });
    assert.ok(r.verified, policy);
    assert.equal(r.remoteAccesses, want, `${policy}: remote accesses`);
    assert.equal(r.migrations, 0, policy);
    assert.equal(r.accesses, expectedCounts(events, 4096).loads + expectedCounts(events, 4096).stores, policy);
  }
});

test("under counters, remote accesses and migrations equal a simulation of per-page counters run down by each remote access", async () => {
  const file = mixedModule();
  // Seed bit 8 set: no bulk operations.
  for (const [seed, pageSize, counter, policies] of [
    [3 | 256, "4KiB", 4, ["counters", "software-counters"]],
    [4100 | 256, "4KiB", 30, ["software-counters"]],
    [4100 | 256, "1KiB", 7, ["counters"]],
  ] as const) {
    const { events } = mirrorMixed(MIXED_N, seed);
    const page = pageBytes[pageSize];
    const want = simulateCounters(pageUses(events, page), counter, Math.floor(DATA_AT / page));
    assert.ok(want.migrations > 0, "the simulation migrates some pages");
    for (const policy of policies) {
      const what = `seed ${seed}, ${pageSize}, counter ${counter}, ${policy}`;
      // Local memory holds every page: no local page is ever displaced.
      const r = await run({ workload: file, n: MIXED_N, seed, pageSize, policy, localPages: 400, counter });
      assert.ok(r.verified, what);
      assert.equal(r.remoteAccesses, want.remoteAccesses, `${what}: remote accesses`);
      assert.equal(r.migrations, want.migrations, `${what}: migrations`);
      assert.equal(r.counterInterrupts, want.migrations, `${what}: interrupts`);
    }
  }
});

test("under counters with a small local memory, remote accesses and migrations equal a simulation in which each migration displaces the least recently used local page", async () => {
  const file = mixedModule();
  for (const [seed, pageSize, localPages, counter] of [[3 | 256, "4KiB", 12, 8], [4100 | 256, "4KiB", 6, 3], [3 | 256, "1KiB", 40, 5]] as const) {
    const page = pageBytes[pageSize];
    const { events } = mirrorMixed(MIXED_N, seed);
    const uses = pageUses(events, page);
    const want = simulateCountersLru(uses, counter, localPages, Math.floor(DATA_AT / page));
    const what = `seed ${seed}, ${pageSize}, ${localPages} local pages, counter ${counter}`;
    assert.equal(want.ties, 0, `${what}: the least recently used page is ambiguous`);
    assert.ok(want.migrations > localPages, `${what}: the simulation displaces no page`);
    const r = await run({ workload: file, n: MIXED_N, seed, pageSize, policy: "counters", localPages, counter });
    assert.ok(r.verified, what);
    assert.equal(r.accesses, uses.at(-1)!.time, `${what}: accesses`);
    assert.equal(r.remoteAccesses, want.remoteAccesses, `${what}: remote accesses`);
    assert.equal(r.migrations, want.migrations, `${what}: migrations`);
  }
});

test("trans makes 2n² loads and 2n² + 2 stores, as its loops and allocator say, under every policy", async () => {
  // workloads/trans/program.ts: n² stores to fill src; n² loads and n² stores to transpose; n²
  // loads for the checksum. Each heap.alloc of the stub runtime stores one block header (mmInfo,
  // node_modules/assemblyscript/std/assembly/rt/stub.ts), and trans allocates twice.
  for (const [n, options] of [
    [37, { policy: "local" }],
    [300, { policy: "local" }],
    [200, { policy: "disk", localPages: 32 }],
    [130, { policy: "counters", localPages: 16 }],
    [130, { policy: "remote-main", localPages: 16 }],
  ] as const) {
    const r = await run({ workload: "trans", n, ...options });
    const what = `n=${n} ${JSON.stringify(options)}`;
    assert.ok(r.verified, what);
    assert.equal(r.loads, 2 * n * n, `${what}: loads`);
    assert.equal(r.stores, 2 * n * n + 2, `${what}: stores`);
    assert.equal(r.accesses, 4 * n * n + 2, `${what}: accesses`);
  }
});

// ---- Working sets: the pages a run really touched ----

/** The virtual pages with a non-zero page table entry at the end of a run (a page never touched
 *  has an entry of 0), and how many of them are present. */
function touchedPages(mmu: MmuExports): { touched: number[]; present: number } {
  const view = new DataView(mmu.memory.buffer);
  const ptBase = view.getUint32((mmu.layoutPtBase as () => number)(), true);
  const present = (mmu.layoutPtePresent as () => number)();
  const pages = Number((mmu.getVirtualBytes as () => bigint)()) / (mmu.getPageSize as () => number)();
  const touched: number[] = [];
  let presentCount = 0;
  for (let v = 0; v < pages; v++) {
    const pte = view.getUint32(ptBase + 4 * v, true);
    if (pte !== 0) touched.push(v);
    if (pte & present) presentCount++;
  }
  return { touched, present: presentCount };
}

async function measureTouched(options: RunOptions) {
  const config = resolveConfig(options);
  const prepared = await prepare(config);
  let seen: { touched: number[]; present: number } | undefined;
  const r = await runInstrumented(config, prepared.instrumented, prepared.trapped, { inspect: (mmu) => { seen = touchedPages(mmu); } });
  assert.ok(seen, "inspect ran");
  assert.equal(r.checksum, runNative(prepared.native, config.n, config.seed).checksum, JSON.stringify(options));
  return { ...seen, framesUsed: r.framesUsed, pageSize: config.pageSizeBytes, n: config.n };
}

test("the page table at the end of a run shows exactly the pages the program touched", async () => {
  // Touches page 0 (the data segment), then pages 3, 5, ... (2k+3) for k < n, a load or a store
  // each, and one straddling load across pages 40 and 41; memory has 64 pages of 4 KiB.
  const file = watFile("touch", `(module
    (memory 4)
    (data (i32.const 16) "xy")
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $k i32) (local $s i32)
      (loop $l
        (if (i32.and (local.get $k) (i32.const 1))
          (then (i32.store offset=12292 (i32.mul (local.get $k) (i32.const 8192)) (local.get $k)))
          (else (local.set $s (i32.add (local.get $s) (i32.load offset=12292 (i32.mul (local.get $k) (i32.const 8192)))))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $k) (local.get $n))))
      (i32.add (local.get $s) (i32.load (i32.const ${41 * 4096 - 2})))))`);
  for (const n of [1, 7, 18]) {
    const want = [...new Set([0, ...Array.from({ length: n }, (_, k) => 2 * k + 3), 40, 41])].sort((a, b) => a - b);
    const got = await measureTouched({ workload: file, n, policy: "local", pageSize: "4KiB" });
    assert.deepEqual(got.touched, want, `n=${n}`);
    assert.equal(got.present, want.length, `n=${n}: present`);
    assert.equal(got.framesUsed, want.length, `n=${n}: frames`);
  }
});

// workingSetBytes(n) against touched pages x page size, at 4 KiB pages: measured, every workload
// at tiny and small touches within one page of ceil(workingSetBytes / 4096) (the data segment's
// and the allocator's headers add a page; eventsim's estimate is a page high). Allowed: 2 pages.
const WORKING_SET_TOLERANCE_PAGES = 2;

test("every workload's workingSetBytes(n) is within two pages of the pages it touches, at sizes tiny and small", async () => {
  const lines: string[] = [];
  for (const [name, spec] of Object.entries(WORKLOADS)) {
    for (const size of ["tiny", "small"] as const) {
      const got = await measureTouched({ workload: name, size, policy: "local" });
      const formula = spec.workingSetBytes(got.n);
      const formulaPages = Math.ceil(formula / got.pageSize);
      const what = `${name} ${size} (n=${got.n}): ${got.touched.length} pages touched, workingSetBytes ${formula} = ${formulaPages} pages`;
      lines.push(what);
      // Under local every page touched stays present, in a frame of its own.
      assert.equal(got.present, got.touched.length, `${what}: present`);
      assert.equal(got.framesUsed, got.touched.length, `${what}: frames in use`);
      assert.ok(Math.abs(got.touched.length - formulaPages) <= WORKING_SET_TOLERANCE_PAGES, what);
    }
  }
});

// Invariant 2, tested as itself: local memory is really bounded, and no bytes of a page survive
// in physical memory once the page is not resident. Each 1 KiB of the program's memory carries a
// 32-byte signature naming its own virtual address; after every page fault the whole physical
// memory (frames and tables) is scanned, and a signature found there must belong to a page that
// is resident. The scratch area (16 bytes) cannot hold a whole signature: the program never loads
// more than 8 bytes at once. The MMU's bounce page holds the chunk of a memory.copy in progress
// while the copy's destination faults (the source may be the page evicted), so the scans after a
// fault skip it; the MMU clears it when each copy is done, and the scan at the end covers it.
// A prefetched page not used yet (--prefetch) is in a local frame, unmapped: it counts as resident.
import assert from "node:assert/strict";
import { test } from "node:test";
import { resolveConfig, type RunOptions } from "../host/config.ts";
import { runInstrumented, workloadEntry } from "../host/engine.ts";
import { ADDR_FRAMES_BASE, ADDR_PT_BASE, ADDR_VIRTUAL_BYTES, PTE_PREFETCHED, PTE_PRESENT } from "../host/layout.ts";
import { prepare } from "../host/modules.ts";
import { runNative } from "../host/engine.ts";
import { watFile } from "./wat.ts";

const MAGIC = 0x52454d4f52415349n; // "REMORASI"
const MAGIC2 = 0x0123456789abcdefn;
const MAGIC3 = 0x7e57c0de7e57c0den;
const KIB_BLOCKS = 192; // 192 KiB of signed memory

/** run(n, seed): signs n 1 KiB blocks, then 8n times checks a random block's signature and copies
 *  it (memory.copy, through the MMU's bounce page) to the second half of another block, which is
 *  re-signed with its own address. Returns how many checks found their signature intact. */
function signedModule(): string {
  const i64 = (v: bigint) => `(i64.const ${BigInt.asIntN(64, v)})`;
  const wat = `(module
    (memory 4)
    (func $sign (param $a i32)
      (i64.store (local.get $a) ${i64(MAGIC)})
      (i64.store offset=8 (local.get $a) (i64.extend_i32_u (local.get $a)))
      (i64.store offset=16 (local.get $a) (i64.xor (i64.extend_i32_u (local.get $a)) ${i64(MAGIC2)}))
      (i64.store offset=24 (local.get $a) ${i64(MAGIC3)}))
    (func $intact (param $a i32) (result i32)
      (i32.and
        (i32.and (i64.eq (i64.load (local.get $a)) ${i64(MAGIC)})
                 (i64.eq (i64.load offset=8 (local.get $a)) (i64.extend_i32_u (local.get $a))))
        (i32.and (i64.eq (i64.load offset=16 (local.get $a)) (i64.xor (i64.extend_i32_u (local.get $a)) ${i64(MAGIC2)}))
                 (i64.eq (i64.load offset=24 (local.get $a)) ${i64(MAGIC3)}))))
    (func $next (param $x i32) (result i32)
      (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32) (local $x i32) (local $src i32) (local $dst i32) (local $ok i32)
      (loop $sign
        (call $sign (i32.mul (local.get $i) (i32.const 1024)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $sign (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $x (local.get $seed))
      (local.set $i (i32.const 0))
      (loop $check
        (local.set $x (call $next (local.get $x)))
        (local.set $src (i32.mul (i32.rem_u (i32.shr_u (local.get $x) (i32.const 8)) (local.get $n)) (i32.const 1024)))
        (local.set $x (call $next (local.get $x)))
        (local.set $dst (i32.add (i32.mul (i32.rem_u (i32.shr_u (local.get $x) (i32.const 8)) (local.get $n)) (i32.const 1024)) (i32.const 512)))
        (local.set $ok (i32.add (local.get $ok) (call $intact (local.get $src))))
        (memory.copy (local.get $dst) (local.get $src) (i32.const 32))
        (call $sign (local.get $dst))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $check (i32.lt_u (local.get $i) (i32.mul (local.get $n) (i32.const 8)))))
      (local.get $ok)))`;
  return watFile("signed", wat);
}

interface Scan { signatures: number; stray: string[] }

/** Every valid signature in physical memory (but the bounce page, unless withBounce), and those
 *  of pages that are not resident. */
function scan(phys: Uint8Array, pageShift: number, alsoResident: number, withBounce: boolean): Scan {
  const words = new DataView(phys.buffer, phys.byteOffset, phys.byteLength);
  const framesBase = words.getUint32(ADDR_FRAMES_BASE, true);
  const bounce = framesBase - (1 << pageShift);
  const ptBase = words.getUint32(ADDR_PT_BASE, true);
  const virtualPages = words.getUint32(ADDR_VIRTUAL_BYTES, true) >>> pageShift;
  const resident = (vpage: number) => vpage === alsoResident
    || (vpage < virtualPages && (words.getUint32(ptBase + 4 * vpage, true) & (PTE_PRESENT | PTE_PREFETCHED)) !== 0);
  const magic = Buffer.alloc(8);
  magic.writeBigUInt64LE(MAGIC);
  const bytes = Buffer.from(phys.buffer, phys.byteOffset, phys.byteLength);
  const found: Scan = { signatures: 0, stray: [] };
  for (let at = bytes.indexOf(magic); at >= 0 && at + 32 <= bytes.length; at = bytes.indexOf(magic, at + 1)) {
    if (!withBounce && at + 32 > bounce && at < framesBase) continue;
    const vaddr = bytes.readBigUInt64LE(at + 8);
    if (bytes.readBigUInt64LE(at + 16) !== (vaddr ^ MAGIC2) || bytes.readBigUInt64LE(at + 24) !== MAGIC3) continue;
    found.signatures++;
    const vpage = Number(vaddr) >>> pageShift;
    if (!resident(vpage)) found.stray.push(`page ${vpage} (vaddr 0x${vaddr.toString(16)}) at physical 0x${at.toString(16)}`);
  }
  return found;
}

const FILE = signedModule();

async function scannedRun(options: Omit<RunOptions, "workload">) {
  const config = resolveConfig({ workload: FILE, n: KIB_BLOCKS, ...options });
  const { instrumented, trapped, native } = await prepare(config);
  const shift = Math.log2(config.pageSizeBytes);
  let faults = 0;
  let signatures = 0;
  const stray: string[] = [];
  const record = (s: Scan, when: string) => {
    signatures += s.signatures;
    if (stray.length < 5) stray.push(...s.stray.map((x) => `${when}: ${x}`));
  };
  const r = await runInstrumented(config, instrumented, trapped, {
    afterFault: (vpageIn, phys) => { faults++; record(scan(phys, shift, vpageIn, false), `after fault ${faults}`); },
    inspect: (mmu) => record(scan(new Uint8Array(mmu.memory.buffer), shift, -1, true), "at the end"),
  }, workloadEntry(config.n, config.seed));
  return { r, faults, signatures, stray, nativeChecksum: runNative(native, config.n, config.seed).checksum };
}

const POLICIES = ["disk", "ram-disk", "remote-main", "counters", "software-counters"];
for (const policy of POLICIES) {
  test(`under ${policy}, after every fault no bytes of a non-resident page are in physical memory (lru, clock, random; 1 and 4 KiB pages)`, async () => {
    for (const replacement of ["lru", "clock", "random"] as const) {
      for (const pageSize of [1024, 4096]) {
        const what = `${policy}, ${replacement}, ${pageSize} B pages`;
        const { r, faults, signatures, stray, nativeChecksum } = await scannedRun({ policy, replacement, pageSize, localPages: 8, counter: 4 });
        assert.equal(r.checksum, nativeChecksum, `${what}: checksum`);
        assert.equal(r.checksum, KIB_BLOCKS * 8, `${what}: every check found its signature`);
        if (policy === "remote-main") {
          // Pages that do not fit locally live on the servers from their first touch and never move.
          assert.ok(r.remoteAccesses > 0, `${what}: no remote access`);
          assert.equal(faults, r.framesUsed, `${what}: faults scanned`);
        } else {
          assert.ok(r.stats.evictions > 0, `${what}: nothing left local memory`);
          assert.ok(faults > 20, `${what}: only ${faults} faults scanned`);
        }
        assert.ok(signatures > faults, `${what}: the scans found only ${signatures} signatures: the scan sees nothing`);
        assert.ok(r.framesUsed <= 8, `${what}: ${r.framesUsed} frames in use`);
        assert.deepEqual(stray, [], `${what}: bytes of non-resident pages in physical memory`);
      }
    }
  });
}

for (const policy of ["disk", "ram-disk"]) {
  test(`under ${policy} with prefetching, prefetched pages take local frames and nothing else survives in physical memory`, async () => {
    for (const prefetch of ["readahead:4", "leap"]) {
      for (const replacement of ["lru", "clock", "random"] as const) {
        const what = `${policy}, ${prefetch}, ${replacement}`;
        const { r, faults, signatures, stray, nativeChecksum } = await scannedRun({ policy, prefetch, replacement, pageSize: 1024, localPages: 8 });
        assert.equal(r.checksum, nativeChecksum, `${what}: checksum`);
        assert.equal(r.checksum, KIB_BLOCKS * 8, `${what}: every check found its signature`);
        // Leap finds no stride in this program's random checks: it may rightly prefetch nothing.
        if (prefetch !== "leap") assert.ok(r.stats.prefetched > 0, `${what}: nothing prefetched`);
        assert.ok(faults > 20 && signatures > faults, `${what}: ${faults} faults, ${signatures} signatures scanned`);
        assert.ok(r.framesUsed <= 8, `${what}: ${r.framesUsed} frames in use`);
        assert.deepEqual(stray, [], `${what}: bytes of non-resident pages in physical memory`);
      }
    }
  });
}

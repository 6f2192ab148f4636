// CLOCK and random replacement against reference simulations written from each policy's
// definition, as test/mmu.test.ts does for LRU; and both under every memory-server policy and
// page size: results unchanged, pages really moved, figures deterministic.
import assert from "node:assert/strict";
import { test } from "node:test";
import { run } from "../host/run.ts";
import { watFile } from "./wat.ts";



type Ref = { page: number; write: boolean };
interface Outcome { faults: number; pageOuts: number; evictions: number }

/** A replacement policy as a reference simulation: frames are numbered in the order they were
 *  first filled; `victim` picks the frame to reuse when all are full. */
interface Replacer {
  /** A resident page in frame f was used. */
  use(f: number): void;
  /** A page was loaded into frame f (a free one, or the victim's). */
  load(f: number): void;
  victim(frames: number): number;
}

function simulate(refs: Ref[], frames: number, replacer: Replacer): Outcome {
  const held: number[] = []; // page held by each frame
  const dirty = new Set<number>();
  const out = { faults: 0, pageOuts: 0, evictions: 0 };
  for (const { page, write } of refs) {
    let f = held.indexOf(page);
    if (f >= 0) replacer.use(f);
    else {
      out.faults++;
      if (held.length < frames) f = held.push(page) - 1;
      else {
        f = replacer.victim(frames);
        out.evictions++;
        if (dirty.delete(held[f])) out.pageOuts++;
        held[f] = page;
      }
      replacer.load(f);
    }
    if (write) dirty.add(page);
  }
  return out;
}

/** Second chance (CLOCK): each frame has a reference bit, set when its page is loaded and at each
 *  use; the hand goes round the frames in order, clearing set bits, and takes the first frame
 *  whose bit is clear; it then points past that frame. */
function clock(): Replacer {
  const referenced: boolean[] = [];
  let hand = 0;
  return {
    use: (f) => { referenced[f] = true; },
    load: (f) => { referenced[f] = true; },
    victim(frames) {
      while (referenced[hand]) {
        referenced[hand] = false;
        hand = (hand + 1) % frames;
      }
      const f = hand;
      hand = (hand + 1) % frames;
      return f;
    },
  };
}

/** Random: the victim is xorshift32's next number (13, 17, 5; state seeded with seed | 1) modulo
 *  the number of frames. */
function random(seed: number): Replacer {
  let x = (seed | 1) >>> 0;
  return {
    use() {},
    load() {},
    victim(frames) {
      x = (x ^ (x << 13)) >>> 0;
      x = (x ^ (x >>> 17)) >>> 0;
      x = (x ^ (x << 5)) >>> 0;
      return x % frames;
    },
  };
}

/** LRU: the victim is the frame whose page was used longest ago. */
function lru(): Replacer {
  const lastUse: number[] = [];
  let time = 0;
  return {
    use: (f) => { lastUse[f] = ++time; },
    load: (f) => { lastUse[f] = ++time; },
    victim: (frames) => lastUse.slice(0, frames).reduce((best, t, f) => (t < lastUse[best] ? f : best), 0),
  };
}

// A reference string made by the program itself, with no data segment (see the data-segment test below):
// step i draws x = x * 1103515245 + 12345 (x from seed) and h = x >>> 16; three steps in four go
// to a hot page 1..4, the others to any page 0..15; even steps load word 2 of the page, odd steps
// store i there. It returns the sum of what it loaded.
const refStringModule = () => watFile("refstring", `(module
  (memory 1)
  (func (export "run") (param $n i32) (param $seed i32) (result i32)
    (local $i i32) (local $x i32) (local $h i32) (local $addr i32) (local $sum i32)
    (local.set $x (local.get $seed))
    (loop $l
      (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245)) (i32.const 12345)))
      (local.set $h (i32.shr_u (local.get $x) (i32.const 16)))
      (local.set $addr (i32.add (i32.const 8) (i32.mul (i32.const 4096)
        (if (result i32) (i32.lt_u (i32.and (local.get $h) (i32.const 3)) (i32.const 3))
          (then (i32.add (i32.const 1) (i32.and (i32.shr_u (local.get $h) (i32.const 2)) (i32.const 3))))
          (else (i32.rem_u (i32.shr_u (local.get $h) (i32.const 4)) (i32.const 16)))))))
      (if (i32.and (local.get $i) (i32.const 1))
        (then (i32.store (local.get $addr) (local.get $i)))
        (else (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $addr))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))`);

/** The module's reference string, and the checksum it must return (to show this is its string). */
function refString(n: number, seed: number): { refs: Ref[]; checksum: number } {
  let x = seed >>> 0;
  let sum = 0;
  const word = new Map<number, number>();
  const refs: Ref[] = [];
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const h = x >>> 16;
    const page = (h & 3) < 3 ? 1 + ((h >>> 2) & 3) : (h >>> 4) % 16;
    const write = (i & 1) === 1;
    refs.push({ page, write });
    if (write) word.set(page, i);
    else sum = (sum + (word.get(page) ?? 0)) >>> 0;
  }
  return { refs, checksum: sum };
}

const N = 2000;
const SEEDS = [1, 2, 77];
const FRAMES = [2, 3, 5, 8, 12];

/** Runs the module under `replacement` for every seed and frame count and compares with the
 *  simulation; `other` is another policy's simulation, which must disagree in most cases (the
 *  strings are hard enough to tell the policies apart). */
async function compareWithSimulation(replacement: "lru" | "clock" | "random", replacer: (seed: number) => Replacer, other: () => Replacer) {
  const file = refStringModule();
  let differs = 0;
  for (const seed of SEEDS) {
    const { refs, checksum } = refString(N, seed);
    assert.ok(new Set(refs.map((r) => r.page)).size === 16, `seed ${seed}: the string touches every page`);
    for (const frames of FRAMES) {
      const want = simulate(refs, frames, replacer(seed));
      if (JSON.stringify(want) !== JSON.stringify(simulate(refs, frames, other()))) differs++;
      const what = `seed ${seed}, ${frames} frames`;
      const r = await run({ workload: file, n: N, seed, policy: "disk", localPages: frames, replacement });
      assert.equal(r.checksum, checksum, `${what}: the program's string is not the simulated one`);
      assert.ok(r.verified, what);
      assert.equal(r.accesses, N, what);
      assert.equal(r.pageFaults, want.faults, `${what}: page faults`);
      assert.equal(r.pageOuts, want.pageOuts, `${what}: page-outs`);
      assert.equal(r.evictions, want.evictions, `${what}: evictions`);
    }
  }
  // A match is not a coincidence of easy strings: the other policy's figures differ.
  assert.ok(differs >= SEEDS.length * FRAMES.length - 3, `${replacement} agrees with the other policy in ${SEEDS.length * FRAMES.length - differs} cases`);
}

test("clock gives each page a second chance exactly as a simulation of the reference string does", async () => {
  await compareWithSimulation("clock", () => clock(), lru);
});

test("random replacement evicts the frame xorshift32 picks, exactly as a simulation of the reference string does", async () => {
  await compareWithSimulation("random", (seed) => random(seed), lru);
});

// test/mmu.test.ts checks LRU on strings drawn from the low bits of an LCG, which repeat 4, 2, 4,
// 2, ... (pages 0, 2 and 4 only); these strings touch all 16 pages.
test("lru evicts exactly the least recently used page of a reference string that touches every page", async () => {
  await compareWithSimulation("lru", () => lru(), clock);
});

// assembly/mmu.ts pageIn marks a newly loaded page referenced with frameRefCleared = now - 1; the
// host writes data segments before the first access, at clock 0, where now - 1 is -1: compared
// unsigned (2^64 - 1), the page's reference bit was never seen set, and the hand evicted it on its
// first pass however often it was used. The MMU compares signed.
test("clock gives a page the host wrote before the program started (a data segment) its reference bit like any other, and lru its last use", async () => {
  // Minimal: page 0 holds a data segment; three frames; the program loads pages 1, 2, 0, 3, 1, 4, 1
  // (one call per load, so nothing is reordered). Second chance: p3 sweeps every bit clear and
  // takes p0's frame; p4 takes p2's (p1 was used again); p1 hits: 5 faults (the data segment's
  // included). With page 0 never seen referenced, p3 takes p0's frame at once, the other bits
  // stay set, p4 then sweeps and takes p1's frame, and the last p1 faults: 6.
  const pages = [1, 2, 0, 3, 1, 4, 1];
  const file = watFile("data-page", `(module
    (memory 1)
    (data (i32.const 0) "remora")
    (func $ld (param $a i32) (result i32) (i32.load (local.get $a)))
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $sum i32)
      ${pages.map((p) => `(local.set $sum (i32.add (local.get $sum) (call $ld (i32.const ${p * 4096 + 16}))))`).join("\n      ")}
      (local.get $sum)))`);
  const refs: Ref[] = [{ page: 0, write: true }, ...pages.map((page) => ({ page, write: false }))];
  const want = simulate(refs, 3, clock());
  assert.deepEqual(want, { faults: 5, pageOuts: 1, evictions: 2 });
  const r = await run({ workload: file, n: 1, policy: "disk", localPages: 3, replacement: "clock" });
  assert.ok(r.verified);
  assert.deepEqual({ faults: r.pageFaults, pageOuts: r.pageOuts, evictions: r.evictions }, want);

  // The common case: the data segment is the program's hottest page. A table of pages at address
  // 256 of page 0; step i reads table[i] (page 0), then loads (even i) or stores (odd i) its page.
  const { refs: drawn } = refString(600, 5);
  const table = drawn.map((ref) => ref.page);
  const bytes = Buffer.alloc(4 * table.length);
  table.forEach((p, i) => bytes.writeUInt32LE(p, 4 * i));
  const tableFile = watFile("table", `(module
    (memory 1)
    (data (i32.const 256) "${[...bytes].map((b) => `\\${b.toString(16).padStart(2, "0")}`).join("")}")
    (func (export "run") (param $n i32) (param $seed i32) (result i32)
      (local $i i32) (local $sum i32) (local $addr i32)
      (loop $l
        (local.set $addr (i32.mul (i32.load offset=256 (i32.shl (local.get $i) (i32.const 2))) (i32.const 4096)))
        (if (i32.and (local.get $i) (i32.const 1))
          (then (i32.store offset=8 (local.get $addr) (local.get $i)))
          (else (local.set $sum (i32.add (local.get $sum) (i32.load offset=8 (local.get $addr))))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $sum)))`);
  const tableRefs: Ref[] = [{ page: 0, write: true }];
  table.forEach((page, i) => tableRefs.push({ page: 0, write: false }, { page, write: i % 2 === 1 }));
  for (const frames of [3, 5, 8]) {
    for (const [replacement, replacer] of [["clock", clock()], ["lru", lru()]] as const) {
      const expected = simulate(tableRefs, frames, replacer);
      const got = await run({ workload: tableFile, n: table.length, policy: "disk", localPages: frames, replacement });
      assert.ok(got.verified);
      assert.deepEqual({ faults: got.pageFaults, pageOuts: got.pageOuts, evictions: got.evictions }, expected, `${replacement}, ${frames} frames`);
    }
  }
});

// ---- CLOCK and random under every memory-server policy and page size ----

/** The figures that must not change from run to run (all but real time). */
function modelled(r: Awaited<ReturnType<typeof run>>) {
  return {
    checksum: r.checksum, accesses: r.accesses, loads: r.loads, stores: r.stores,
    localAccesses: r.localAccesses, remoteAccesses: r.remoteAccesses, pageFaults: r.pageFaults,
    pageIns: r.pageIns, pageOuts: r.pageOuts, evictions: r.evictions, migrations: r.migrations,
    counterInterrupts: r.counterInterrupts, diskReads: r.diskReads, diskWrites: r.diskWrites,
    networkBytes: r.networkBytes, modelledCycles: r.modelledCycles, avgAccessCycles: r.avgAccessCycles,
    faultLatencyMicros: r.faultLatencyMicros, servers: r.servers, pagesOnDisk: r.pagesOnDisk,
    framesUsed: r.framesUsed, tlbMisses: r.tlbMisses, physicalMemoryBytes: r.physicalMemoryBytes,
  };
}

test("clock and random replacement under ram-disk, counters, software-counters and remote-main, with 1, 16 and 64 KiB pages, give native results, move pages and repeat their figures exactly", async () => {
  // One workload per page size (each is instrumented once per page size); 512 KiB of local
  // memory, two thirds or less of each working set; one memory server (fewer threads to start).
  // remote-main moves pages only when the servers are full too: a server of 128 KiB.
  const cases = [["1KiB", "fft"], ["16KiB", "qsort"], ["64KiB", "sort"]] as const;
  const policies = ["ram-disk", "counters", "software-counters", "remote-main"] as const;
  const seen = new Set<string>();
  for (const [p, [pageSize, workload]] of cases.entries()) {
    for (const [q, policy] of policies.entries()) {
      const replacement = (p + q) % 2 === 0 ? "clock" : "random";
      seen.add(`${policy} ${replacement}`);
      const options = {
        workload, size: "tiny" as const, policy, replacement, pageSize, localMem: "512KiB", seed: 3, servers: 1,
        ...(policy === "remote-main" ? { serverMem: "128KiB" } : {}),
        ...(policy.endsWith("counters") ? { counter: 32 } : {}),
      };
      const what = `${workload} ${pageSize} ${policy} ${replacement}`;
      const a = await run(options);
      assert.ok(a.verified, `${what}: checksum ${a.checksum}, native ${a.nativeChecksum}`);
      assert.ok(a.evictions > 0, `${what}: nothing was evicted`);
      if (policy.endsWith("counters")) assert.ok(a.migrations > 0, `${what}: nothing migrated`);
      if (policy !== "ram-disk") assert.ok(a.remoteAccesses > 0, `${what}: no remote access`);
      const b = await run(options);
      assert.deepEqual(modelled(b), modelled(a), `${what}: figures differ between two runs`);
    }
  }
  assert.equal(seen.size, 2 * policies.length, "every policy with both replacements");
});

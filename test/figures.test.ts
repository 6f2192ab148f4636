// Figures counted where they happen: engine cache hits only when the cache served the page, real
// round trips only of pages that moved, bench's page-ins apart from first touches.
import assert from "node:assert/strict";
import { test } from "node:test";
import { bench } from "../bench/bench.ts";
import { LINKS } from "../host/links/index.ts";
import { MemoryEngine, type SpillStore } from "../host/memory-engine/memory-engine.ts";
import { POLICIES } from "../host/policies/index.ts";
import { run } from "../host/run.ts";
import { MemoryServerPool } from "../host/servers/pool.ts";
import { WORKLOADS } from "../workloads/index.ts";
import { watFile } from "./wat.ts";

const PAGE = 4096;

/** A disk that answers every read at a fixed modelled time, far after any network reply. */
function slowDisk(): SpillStore & { reads: number[] } {
  const pages = new Map<number, Uint8Array>();
  const reads: number[] = [];
  return {
    reads,
    write: (vpage, bytes, now) => { pages.set(vpage, bytes.slice()); return now + 1000; },
    read(vpage, into, now) {
      const p = pages.get(vpage);
      if (!p) return null;
      into.set(p);
      reads.push(vpage);
      return now + 10_000;
    },
  };
}

test("the engine cache counts a hit only when it served the page: a page the engine put on its disk is a miss, read from the disk", async () => {
  const pool = await MemoryServerPool.start({ servers: 1, capacityBytes: 2 * PAGE, pageSizeBytes: PAGE });
  try {
    const disk = slowDisk();
    const engine = new MemoryEngine(pool, disk, {
      link: LINKS.gigabit, placement: "round-robin", reply: "via-engine", viaEngine: true, engineCachePages: 8, pageSizeBytes: PAGE,
    });
    const page = (v: number) => new Uint8Array(PAGE).fill(v);
    for (const v of [1, 2, 3]) engine.pageOut(v, page(v), 0); // the server holds 2: page 3 goes to disk
    assert.equal(engine.pagesOnDisk, 1);
    const into = new Uint8Array(PAGE);
    const fromDisk = engine.pageIn(3, into, 100_000)! - 100_000;
    assert.deepEqual([into[0], disk.reads], [3, [3]]);
    assert.ok(fromDisk >= 10_000, `the disk's page arrived after ${fromDisk} µs`);
    assert.equal(engine.cacheHitRate, 0, "a page read from disk is no hit");
    const fromCache = engine.pageIn(1, into, 200_000)! - 200_000;
    assert.equal(into[0], 1);
    assert.ok(fromCache < 200, `the cache's page arrived after ${fromCache} µs`);
    assert.equal(engine.cacheHitRate, 1 / 2);
  } finally {
    await pool.stop();
  }
});

test("faultRoundTripMicros is null when no page moved to or from a server, and placing never-touched pages is no move", async () => {
  for (const transport of ["one-sided", "two-sided"] as const) {
    // remote-main: pages that do not fit are placed on the servers and used there, never moved.
    const placed = await run({ workload: "trans", size: "tiny", policy: "remote-main", localPages: 16, transport });
    assert.ok(placed.verified && placed.remoteAccesses > 0 && placed.migrations === 0, transport);
    assert.ok(placed.servers.reduce((a, b) => a + b, 0) > 0, `${transport}: no page was placed on a server`);
    assert.equal(placed.faultRoundTripMicros, null, `${transport}: placements were timed as page moves`);
    // ram-disk with room for everything locally: nothing moves either.
    const roomy = await run({ workload: "trans", size: "tiny", policy: "ram-disk", localPages: 4096, transport });
    assert.equal(roomy.pageOuts, 0);
    assert.equal(roomy.faultRoundTripMicros, null, transport);
    const moving = await run({ workload: "qsort", size: "tiny", policy: "ram-disk", localPages: 64, transport });
    assert.ok(moving.pageIns > 0);
    assert.ok(moving.faultRoundTripMicros !== null && moving.faultRoundTripMicros.p50 > 0, transport);
  }
});

test("bench times page-ins apart from first touches, and each count is the faulting run's own", async () => {
  const report = await bench({ workloads: ["mvec"], repetitions: 1 });
  const row = report.rows[0];
  // The faulting run of bench: policy disk, 1/8 of the working set local.
  const eighth = Math.max(2, Math.floor(WORKLOADS.mvec.workingSetBytes(row.n) / 8 / PAGE));
  const r = await run({ workload: "mvec", size: "small", policy: "disk", localPages: eighth });
  assert.equal(row.pageIns, r.pageIns, "bench's page-ins");
  assert.equal(row.firstTouches, r.pageFaults - r.pageIns, "bench's first touches");
  assert.ok(row.pageIns > 0 && row.firstTouches > 0);
  assert.ok(row.pageInMicros !== null && row.pageInMicros.p50 > 0);
  assert.ok(row.firstTouchMicros !== null && row.firstTouchMicros.p50 > 0);
});

test("ram-disk's network bytes are every page sent out and every request and page brought back, counted apart from the pages' journeys", async () => {
  for (const extra of [{}, { memoryEngine: false }, { servers: 1, serverMem: "64KiB" }]) {
    const r = await run({ workload: "qsort", size: "tiny", policy: "ram-disk", localPages: 64, ...extra });
    assert.ok(r.verified && r.pageIns > 0);
    // REQUEST_BYTES (64) per page-in request; a page each way; spilled pages cross the client's link too.
    assert.equal(r.networkBytes, r.pageOuts * PAGE + r.pageIns * (64 + PAGE), JSON.stringify(extra));
  }
});

test("the modelled clock a fault starts at charges each remote access the remote cost", async () => {
  // Page 1 is touched first by ten loads: under counters it starts on a server with counter 10,
  // so the tenth load is the tenth remote access and migrates it. The migration's page-in must
  // start at 10 remote accesses of 100 cycles (preset default: 2 GHz), not at 10 local ones.
  const file = watFile("ten-loads", `(module (memory 2)
    (func (export "run") (param $n i32) (param $seed i32) (result i32) (local $i i32) (local $s i32)
      (loop $l
        (local.set $s (i32.add (local.get $s) (i32.load (i32.const 65540))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (i32.const 10))))
      (local.get $s)))`);
  const starts: number[] = [];
  const policy = POLICIES.counters;
  POLICIES.counters = {
    ...policy,
    async create(ctx) {
      const backing = await policy.create(ctx);
      return { ...backing, pageIn(vpage, into, now) { starts.push(now); return backing.pageIn(vpage, into, now); } };
    },
  };
  try {
    const r = await run({ workload: file, n: 1, policy: "counters", localPages: 2, counter: 10 });
    assert.ok(r.verified);
    assert.deepEqual([r.remoteAccesses, r.migrations], [10, 1]);
    const cyclesPerMicro = r.config.clockHz / 1e6;
    assert.deepEqual(starts, [(10 * r.config.remoteAccessCycles) / cyclesPerMicro]);
  } finally {
    POLICIES.counters = policy;
  }
});

test("DISK's disk reads and writes equal a simulation of the swap device's clustering over the run's own faults", async () => {
  // The swap device as the README describes it: a dirty page evicted joins the pending cluster
  // (once), 32 pending pages are written together (32 disk writes); a page-in of a page still
  // pending is served from memory, any other page written before is one disk read.
  for (const workload of ["qsort", "trans"]) {
    const written = new Set<number>();
    let pending: number[] = [];
    let reads = 0;
    let writes = 0;
    const r = await run({ workload, size: "tiny", policy: "disk", localPages: 48 }, {
      onFault: ({ vpageIn, vpageOut, dirty }) => {
        if (vpageOut >= 0 && dirty) {
          written.add(vpageOut);
          if (!pending.includes(vpageOut)) pending.push(vpageOut);
          if (pending.length >= 32) {
            writes += pending.length;
            pending = [];
          }
        }
        if (written.has(vpageIn) && !pending.includes(vpageIn)) reads++;
      },
    });
    assert.ok(r.verified && reads > 0 && writes > 0, workload);
    assert.deepEqual([r.diskReads, r.diskWrites], [reads, writes], workload);
  }
});

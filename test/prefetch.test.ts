// Prefetching (--prefetch, DISK and RAM_DISK): the prefetchers' rules on their own, and runs that
// keep the invariants (verified results, bounded local memory, deterministic figures) under every
// replacement policy, with prefetched pages that cost their transfer: a prefetch hit waits for its
// page, so reading ahead can only save what the faults themselves cost.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, resolveConfig } from "../host/config.ts";
import { findTrend, majorityStride } from "../host/prefetch/leap.ts";
import { parsePrefetch } from "../host/prefetch/index.ts";
import { run } from "../host/run.ts";
import { watFile } from "./wat.ts";

describe("the prefetchers' rules", () => {
  test("--prefetch reads none, readahead (8 by default), readahead:N and leap, and refuses the rest with a message", () => {
    assert.deepEqual(parsePrefetch("none"), { name: "none", arg: null });
    assert.deepEqual(parsePrefetch("readahead"), { name: "readahead", arg: 8 });
    assert.deepEqual(parsePrefetch("readahead:3"), { name: "readahead", arg: 3 });
    assert.deepEqual(parsePrefetch("leap"), { name: "leap", arg: null });
    assert.equal(parsePrefetch("readahead:0"), "--prefetch readahead:N: pages read ahead must be from 1 to 64, not 0");
    assert.equal(parsePrefetch("leap:4"), '--prefetch leap takes no argument, not ":4"');
    assert.equal(parsePrefetch("stride"), 'unknown prefetcher "stride": choose one of none, readahead:N, leap');
  });

  test("--prefetch applies only to the paging policies", () => {
    assert.throws(() => resolveConfig({ workload: "trans", policy: "counters", prefetch: "leap" }),
      (e: Error) => e instanceof ConfigError && e.message === "--prefetch applies to the paging policies (disk, ram-disk), not counters");
    assert.equal(resolveConfig({ workload: "trans", policy: "ram-disk", prefetch: "leap" }).prefetch.name, "leap");
  });

  test("Leap's trend is a strict majority of the recent deltas, found in the smallest window that has one", () => {
    assert.equal(majorityStride([1, 1, 5, 1], 4), 1);
    assert.equal(majorityStride([1, 2, 1, 2], 4), null, "half is not a majority");
    assert.equal(majorityStride([0, 0, 0], 3), null, "a repeated page is no stride");
    // The last 8 deltas are mixed, the last 16 are mostly -3.
    const deltas = [...Array(12).fill(-3), 7, -3, 9, 11, 4, -3, 5, 6];
    assert.equal(majorityStride(deltas, 8), null);
    assert.equal(findTrend(deltas), -3);
    assert.equal(findTrend([2, 2]), null, "too short a history");
  });
});

/** Writes pages 1..48 (each its page number, stored at its start), then reads pages 1..8 back and
 *  returns their sum. With 16 local frames, pages 1..32 reach the disk in one clustered write, so
 *  the reads of pages 1..8 come from consecutive swap slots. */
const burst = () => watFile("prefetch-burst", `(module
  (memory 4)
  (func (export "run") (param $n i32) (param $seed i32) (result i32)
    (local $p i32) (local $sum i32)
    (local.set $p (i32.const 1))
    (loop $write
      (i32.store (i32.shl (local.get $p) (i32.const 12)) (local.get $p))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $write (i32.le_u (local.get $p) (i32.const 48))))
    (local.set $p (i32.const 1))
    (loop $read
      (local.set $sum (i32.add (local.get $sum) (i32.load (i32.shl (local.get $p) (i32.const 12)))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br_if $read (i32.le_u (local.get $p) (i32.const 8))))
    (local.get $sum)))`);

describe("prefetching runs", () => {
  test("a prefetch hit waits for its page: reading 8 pages ahead in a burst costs what 8 faults on the same slots cost", async () => {
    const file = burst();
    const base = { workload: file, n: 0, policy: "disk", localPages: 16, pageSize: 4096 } as const;
    const none = await run(base);
    const ahead = await run({ ...base, prefetch: "readahead:7" });
    assert.equal(none.verified && ahead.verified, true);
    assert.equal(ahead.checksum, 36);
    assert.equal(none.pageIns, 8);
    assert.deepEqual([ahead.pageIns, ahead.prefetched, ahead.prefetchHits], [1, 7, 7]);
    assert.equal(ahead.prefetchAccuracy, 1);
    assert.equal(ahead.prefetchCoverage, 7 / 8);
    // The same 8 sequential reads on the one arm: the program ends when the last page has arrived,
    // whether it faulted on it or waited for it as a prefetch hit (stalls round to whole cycles).
    assert.ok(Math.abs(ahead.modelledCycles - none.modelledCycles) <= 8,
      `modelled cycles with readahead ${ahead.modelledCycles}, without ${none.modelledCycles}`);
  });

  test("a sequential program under readahead:8 and leap: fewer page-ins, every prefetch used, modelled time lower", async () => {
    const base = { workload: "mvec", size: "tiny", localPages: 16 } as const;
    for (const policy of ["disk", "ram-disk"]) {
      const none = await run({ ...base, policy });
      for (const prefetch of ["readahead:8", "leap"]) {
        const r = await run({ ...base, policy, prefetch });
        const what = `${policy} ${prefetch}: ${r.pageIns} page-ins (none: ${none.pageIns}), ${r.prefetchHits} of ${r.prefetched} prefetched used`;
        assert.equal(r.verified, true, what);
        assert.ok(r.pageIns < none.pageIns / 3, what);
        assert.ok(r.prefetchAccuracy! > 0.95, what);
        assert.equal(r.pageIns + r.prefetchHits <= none.pageIns, true, what);
        assert.ok(r.modelledCycles < none.modelledCycles, `${what}; modelled ${r.modelledCycles} against ${none.modelledCycles}`);
        assert.ok(r.framesUsed <= 16, `${what}; ${r.framesUsed} frames`);
      }
    }
  });

  test("every replacement policy keeps results verified and figures deterministic with prefetching", async () => {
    for (const replacement of ["lru", "clock", "random"] as const) {
      for (const [policy, prefetch] of [["disk", "readahead:4"], ["ram-disk", "leap"], ["ram-disk", "readahead:16"]]) {
        const options = { workload: "qsort", size: "tiny", policy, prefetch, replacement, localPages: 8 } as const;
        const a = await run(options);
        const b = await run(options);
        const what = `qsort ${policy} ${prefetch} ${replacement}`;
        assert.equal(a.verified, true, what);
        assert.ok(a.prefetched > 0 && a.prefetchHits <= a.prefetched, `${what}: ${a.prefetchHits} of ${a.prefetched}`);
        assert.ok(a.framesUsed <= 8, what);
        assert.deepEqual([b.modelledCycles, b.prefetched, b.prefetchHits, b.pageIns], [a.modelledCycles, a.prefetched, a.prefetchHits, a.pageIns], what);
      }
    }
  });
});

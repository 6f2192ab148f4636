// The playground's page map (host/browser/page-map.ts), read from the MMU's tables at the end of a
// run, agrees with the run's own figures: the local cells are the frames in use, the server cells
// the pages the memory servers say they hold.
import assert from "node:assert/strict";
import { test } from "node:test";
import { readPageMap, WHERE } from "../host/browser/page-map.ts";
import type { Probe } from "../host/engine.ts";
import { run } from "../host/run.ts";

async function finalMap(options: Parameters<typeof run>[0], evictedTo: "server" | "disk") {
  let map: Uint8Array | null = null;
  let ticks = 0;
  const result = await run(options, {
    tickMillis: 0,
    tick: (p: Probe) => {
      ticks++;
      map = readPageMap(p.memory, { pageSize: 4096, evictedTo, counterInitial: p.remoteMode === 2 ? 256 : null });
    },
  });
  const count = (where: number) => { let n = 0; for (let v = 0; v < map!.length; v += 2) if (map![v] === where) n++; return n; };
  return { result, ticks, count, map: map! };
}

test("the page map's local and server cells are the run's frames and the servers' pages (counters)", async () => {
  const { result, ticks, count, map } = await finalMap({ workload: "trans", size: "tiny", policy: "counters", localPages: 64 }, "disk");
  assert.ok(ticks > 1, `${ticks} ticks`);
  assert.equal(map.length / 2, result.virtualMemoryBytes / 4096);
  assert.equal(count(WHERE.local), result.framesUsed);
  assert.equal(count(WHERE.server), result.servers.reduce((a, b) => a + b, 0));
  assert.equal(count(WHERE.disk), result.pagesOnDisk);
});

test("the page map's disk cells are the pages a disk run evicted, its local cells its frames", async () => {
  const { result, count } = await finalMap({ workload: "qsort", size: "tiny", policy: "disk", localPages: 32 }, "disk");
  assert.equal(count(WHERE.local), result.framesUsed);
  assert.equal(count(WHERE.server), 0);
  // Pages that were evicted and not brought back: at least those the last page-ins did not cover.
  assert.ok(count(WHERE.disk) > 0 && result.pageOuts > 0);
});

// RAM_DISK: pages move to memory servers through the memory engine (Anemone's paging).
import assert from "node:assert/strict";
import { test } from "node:test";
import { wireMicros } from "../host/links/link.ts";
import { LINKS } from "../host/links/index.ts";
import { run } from "../host/run.ts";
import { WORKLOADS } from "../workloads/index.ts";

for (const servers of [2, 4]) {
  test(`every workload under ram-disk with ${servers} servers is verified, uses the network, and its servers hold exactly the pages that are not resident`, async () => {
    for (const workload of Object.keys(WORKLOADS)) {
      const r = await run({ workload, size: "tiny", policy: "ram-disk", localPages: 64, servers });
      assert.ok(r.verified, workload);
      assert.ok(r.networkBytes > 0, `${workload}: no network traffic`);
      assert.equal(r.diskReads, 0, `${workload}: disk reads while the servers had room`);
      assert.equal(r.pagesOnDisk, 0, workload);
      assert.equal(r.servers.length, servers);
      // Pages ever touched = faults that were first touches; those not in a frame are remote.
      const touched = r.pageFaults - r.pageIns;
      const held = r.servers.reduce((a, b) => a + b, 0);
      assert.equal(held, touched - r.framesUsed, `${workload}: servers hold ${held} pages`);
    }
  });
}

test("the transport, one-sided or two-sided, changes no modelled figure and no server's page count", async () => {
  for (const policy of ["ram-disk", "counters"]) {
    const options = { workload: "sort", size: "tiny" as const, policy, localPages: 64, servers: 3 };
    const oneSided = await run({ ...options, transport: "one-sided" });
    const twoSided = await run({ ...options, transport: "two-sided" });
    assert.ok(oneSided.verified && twoSided.verified, policy);
    assert.ok(oneSided.migrations + oneSided.pageIns > 0, `${policy}: no page came back from a server`);
    const modelled = (r: typeof oneSided) => [r.modelledSeconds, r.avgAccessCycles, r.pageFaults, r.pageIns, r.migrations,
      r.remoteAccesses, r.networkBytes, r.servers, r.faultLatencyMicros];
    assert.deepEqual(modelled(oneSided), modelled(twoSided), policy);
  }
});

test("under anemone05, qsort's mean page fault takes 600-800 µs from the servers and 8-11 times longer from the disk", async () => {
  const options = { workload: "qsort", size: "small" as const, preset: "anemone05", localMem: "1MiB" };
  const remote = await run({ ...options, policy: "ram-disk" });
  const disk = await run({ ...options, policy: "disk" });
  assert.ok(remote.verified && disk.verified);
  const remoteMean = remote.faultLatencyMicros!.mean;
  const ratio = disk.faultLatencyMicros!.mean / remoteMean;
  assert.ok(remoteMean >= 600 && remoteMean <= 800, `ram-disk mean fault ${remoteMean} µs`);
  assert.ok(ratio >= 8 && ratio <= 11, `disk / ram-disk = ${ratio}`);
});

test("a direct reply from the server saves one hop of a page per fault: its protocol cost, wire time and latency", async () => {
  const options = { workload: "qsort", size: "tiny" as const, policy: "ram-disk", preset: "anemone05", localPages: 64 };
  const viaEngine = await run({ ...options, reply: "via-engine" });
  const direct = await run({ ...options, reply: "direct" });
  const link = LINKS.gigabit;
  const hop = link.protocolMicros + wireMicros(link, 4096) + link.latencyMicros; // 20 + 34.64 + 5 µs
  const saved = viaEngine.faultLatencyMicros!.mean - direct.faultLatencyMicros!.mean;
  assert.ok(Math.abs(saved - hop) < 0.01 * hop, `saved ${saved} µs, one hop is ${hop} µs`);
});

test("with no memory engine a page-in is one request hop and one page hop, straight between client and server", async () => {
  const options = { workload: "qsort", size: "tiny" as const, policy: "ram-disk", preset: "anemone05", localPages: 64, reply: "direct" as const };
  const direct = await run({ ...options, memoryEngine: true });
  const noEngine = await run({ ...options, memoryEngine: false });
  assert.ok(direct.verified && noEngine.verified);
  assert.equal(noEngine.pageIns, direct.pageIns);
  const link = LINKS.gigabit;
  const requestHop = link.protocolMicros + wireMicros(link, 64) + link.latencyMicros; // client -> engine
  const pageHop = link.protocolMicros + wireMicros(link, 4096) + link.latencyMicros; // engine -> server
  // A fault waits for its page and for the victim's write-back: the engine adds one request hop
  // to the first and one page hop to the second, so the saving lies between the two.
  const saved = direct.faultLatencyMicros!.mean - noEngine.faultLatencyMicros!.mean;
  assert.ok(saved >= 0.99 * requestHop && saved <= requestHop + pageHop, `saved ${saved} µs; request hop ${requestHop}, page hop ${pageHop}`);
  assert.equal(noEngine.engineCacheHitRate, null);
});

test("when every server is full the engine puts pages on its disk and nothing is lost", async () => {
  const r = await run({ workload: "sort", size: "tiny", policy: "ram-disk", localPages: 32, servers: 2, serverMem: "64KiB" });
  assert.ok(r.verified);
  assert.deepEqual(r.servers, [16, 16]);
  assert.ok(r.pagesOnDisk > 0);
  assert.ok(r.diskReads > 0);
});

test("least-loaded placement keeps the servers within one page of each other", async () => {
  const r = await run({ workload: "qsort", size: "tiny", policy: "ram-disk", localPages: 64, servers: 3, placement: "least-loaded" });
  assert.ok(r.verified);
  assert.ok(Math.max(...r.servers) - Math.min(...r.servers) <= 1, `servers hold ${r.servers}`);
});

test("an engine cache reports its hit rate and makes hits cheaper", async () => {
  const options = { workload: "trans", size: "tiny" as const, policy: "ram-disk", localPages: 64 };
  const without = await run(options);
  const withCache = await run({ ...options, engineCache: "512KiB" });
  assert.equal(without.engineCacheHitRate, null);
  assert.ok(withCache.engineCacheHitRate! > 0 && withCache.engineCacheHitRate! <= 1);
  assert.ok(withCache.faultLatencyMicros!.mean < without.faultLatencyMicros!.mean);
  assert.equal(withCache.checksum, without.checksum);
});

test("jumbo frames make a page fault over gigabit cheaper, and a bad MTU is refused", async () => {
  const options = { workload: "qsort", size: "tiny" as const, policy: "ram-disk", localPages: 64 };
  const standard = await run(options);
  const jumbo = await run({ ...options, mtu: "9000" });
  assert.equal(jumbo.config.link.mtuBytes, 9000);
  assert.ok(jumbo.faultLatencyMicros!.mean < standard.faultLatencyMicros!.mean);
  await assert.rejects(run({ ...options, mtu: "20" }), /--mtu must be/);
});

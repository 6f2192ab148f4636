// Redundant remote memory and server failures (issue 17, items 1-4): --redundancy none |
// replicate:K | ec:D+P and --fail-server I@N. What is checked:
//  - the Reed–Solomon code gives every page back from any D of its D + P fragments;
//  - the memory engine, driven directly with a crash in the middle, gives back every page
//    byte-identical to a shadow copy kept here, rebuilds what the crashed server held, and with
//    none (or too many failures) throws a PageLostError naming the page and the server;
//  - the command line: the runs are verified with nothing lost and pages recovered, the
//    same failure under none exits 4 with one line and no result; a redundant run's modelled time
//    is none's plus exactly its redundancyCycles; its figures are the same over every transport;
//  - bad --redundancy / --fail-server values exit 2 with one line.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { LINKS } from "../host/links/index.ts";
import { MemoryEngine, PageLostError, type MemoryEngineOptions } from "../host/memory-engine/memory-engine.ts";
import { ReedSolomon } from "../host/memory-engine/reed-solomon.ts";
import { parseRedundancy, Redundancy, type RedundancySpec } from "../host/memory-engine/redundancy.ts";
import { run } from "../host/run.ts";
import { MemoryServerPool } from "../host/servers/pool.ts";
import { haveRedisServer } from "../host/servers/redis.ts";
import { remora } from "./remora.ts";

const PAGE = 4096;

/** A deterministic stream of numbers (xorshift32). */
function random(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

describe("the Reed–Solomon code", () => {
  for (const [d, p] of [[2, 1], [4, 2], [3, 3], [5, 1]]) {
    test(`${d}+${p}: every loss of up to ${p} fragments is rebuilt exactly; more is refused`, () => {
      const rs = new ReedSolomon(d, p);
      const next = random(d * 100 + p);
      const f = 37;
      const original = Array.from({ length: d + p }, (_, i) => Uint8Array.from({ length: f }, () => (i < d ? next() & 0xff : 0)));
      rs.encode(original);
      for (let mask = 1; mask < 1 << (d + p); mask++) {
        const lost = Array.from({ length: d + p }, (_, i) => (mask >> i) & 1).map(Boolean);
        const count = lost.filter(Boolean).length;
        const fragments = original.map((frag, i) => (lost[i] ? new Uint8Array(f).fill(0xa5) : frag.slice()));
        if (count > p) {
          assert.throws(() => rs.reconstruct(fragments, lost.map((l) => !l)), /fragments of \d+ are left/);
          continue;
        }
        rs.reconstruct(fragments, lost.map((l) => !l));
        assert.deepEqual(fragments, original, `lost ${lost.map((l, i) => (l ? i : "")).join(" ")}`);
      }
    });
  }
});

/** A disk for the engine that keeps pages in memory (the engine spills only when servers are full). */
function memoryDisk() {
  const pages = new Map<number, Uint8Array>();
  return {
    write(vpage: number, bytes: Uint8Array, now: number) { pages.set(vpage, bytes.slice()); return now; },
    read(vpage: number, into: Uint8Array, now: number) {
      const b = pages.get(vpage);
      if (!b) return null;
      into.set(b);
      pages.delete(vpage);
      return now;
    },
  };
}

interface EngineTrial {
  spec: RedundancySpec;
  servers: number;
  /** Crash each of these servers after this many transfers. */
  crash: { server: number; after: number }[];
  transport?: "one-sided" | "two-sided";
}

/**
 * Drives an engine over a real server pool: 300 pages, 3000 random page-outs and page-ins, with
 * the crashes of `crash`. Every page that comes back, and every page rebuilt, is compared with
 * the bytes this test last stored for it. Returns the engine's figures, or the PageLostError.
 */
async function drive(t: EngineTrial): Promise<{ engine: MemoryEngine; loads: number; recovered: Set<number>; loadedAfterRecovery: number } | PageLostError> {
  const pool = await MemoryServerPool.start({
    servers: t.servers, capacityBytes: 1024 * PAGE, pageSizeBytes: PAGE, transport: t.transport ?? "one-sided",
    slotBytes: PAGE / 16, timeoutMs: 1000,
  });
  const shadow = new Map<number, Uint8Array>();
  const recovered = new Set<number>();
  let loads = 0;
  let loadedAfterRecovery = 0;

  const options: MemoryEngineOptions = {
    link: LINKS.gigabit, placement: "round-robin", reply: "via-engine", viaEngine: true, engineCachePages: 0, pageSizeBytes: PAGE,
    redundancy: new Redundancy(t.spec, LINKS.gigabit, 485e6), policy: "ram-disk",
    afterTransfer: (n) => { for (const c of t.crash) if (c.after === n) pool.crashServer(c.server); },
    debug: {
      onStore: (vpage, stored) => { shadow.set(vpage, stored.slice()); },
      onLoad: (vpage, stored) => {
        loads++;
        if (recovered.has(vpage)) loadedAfterRecovery++;
        assert.deepEqual(stored, shadow.get(vpage), `page ${vpage} came back as it was stored`);
      },
      onRecover: (vpage, stored) => {
        recovered.add(vpage);
        assert.deepEqual(stored, shadow.get(vpage), `page ${vpage} was rebuilt as it was stored`);
      },
    },
  };
  const engine = new MemoryEngine(pool, memoryDisk(), options);
  const next = random(7);
  const local = new Set<number>(Array.from({ length: 300 }, (_, v) => v));
  const into = new Uint8Array(PAGE);
  try {
    for (let step = 0; step < 3000; step++) {
      const vpage = next() % 300;
      if (local.has(vpage)) {
        // Compressed-looking lengths too: a stored page is 1 to PAGE bytes.
        const length = next() % 3 === 0 ? 1 + (next() % PAGE) : PAGE;
        engine.pageOut(vpage, Uint8Array.from({ length }, () => next() & 0xff), step);
        local.delete(vpage);
      } else {
        assert.notEqual(engine.pageIn(vpage, into, step), null);
        local.add(vpage);
      }
    }
    return { engine, loads, recovered, loadedAfterRecovery };
  } catch (e) {
    if (e instanceof PageLostError) return e;
    throw e;
  } finally {
    await pool.stop();
  }
}

describe("the memory engine with a server crashing", () => {
  for (const [text, servers] of [["replicate:2", 4], ["replicate:3", 3], ["ec:2+1", 3], ["ec:4+2", 6]] as const) {
    test(`${text} on ${servers} servers: one crash loses nothing, every page comes back as stored, the crashed server's pages are rebuilt`, async () => {
      const spec = parseRedundancy(text) as RedundancySpec;
      const r = await drive({ spec, servers, crash: [{ server: 1, after: 1000 }] });
      assert.ok(!(r instanceof PageLostError), `nothing lost: ${r instanceof Error ? r.message : ""}`);
      assert.equal(r.engine.serverFailures, 1, "the crash was noticed");
      assert.ok(r.engine.hasFailed(1));
      assert.ok(r.recovered.size > 0 && r.engine.pagesRecovered === r.recovered.size, `pages recovered ${r.engine.pagesRecovered}`);
      assert.ok(r.loadedAfterRecovery > 0, "some rebuilt pages were read back");
      assert.ok(r.engine.recoveryBytes > 0 && r.engine.recoveryMicros > 0);
    });
  }

  test("two-sided: a terminated server thread is noticed from a request that times out, and its pages are rebuilt", async () => {
    const r = await drive({ spec: { kind: "replicate", copies: 2 }, servers: 3, crash: [{ server: 2, after: 500 }], transport: "two-sided" });
    assert.ok(!(r instanceof PageLostError), r instanceof Error ? r.message : "");
    assert.equal(r.engine.serverFailures, 1);
    assert.ok(r.engine.pagesRecovered > 0);
  });

  test("ec:2+1 survives two crashes one after the other (the first one's fragments rebuilt before the second)", async () => {
    const r = await drive({ spec: { kind: "ec", data: 2, parity: 1 }, servers: 5, crash: [{ server: 0, after: 800 }, { server: 3, after: 1600 }] });
    assert.ok(!(r instanceof PageLostError), r instanceof Error ? r.message : "");
    assert.equal(r.engine.serverFailures, 2);
  });

  test("none: a crash loses the pages of that server, and the error names a page it held, the server and the policy", async () => {
    const r = await drive({ spec: { kind: "none" }, servers: 3, crash: [{ server: 1, after: 1000 }] });
    assert.ok(r instanceof PageLostError, "the run cannot go on");
    assert.equal(r.server, 1);
    assert.match(r.message, new RegExp(`^page ${r.vpage} is lost: memory server 1 failed \\(.*\\), and ram-disk with --redundancy none kept no other copy$`));
  });

  test("replicate:2: two servers crashing at once lose the pages that had both copies there", async () => {
    const r = await drive({ spec: { kind: "replicate", copies: 2 }, servers: 4, crash: [{ server: 1, after: 1000 }, { server: 2, after: 1000 }] });
    assert.ok(r instanceof PageLostError, "more failures than the redundancy covers");
    assert.match(r.message, /--redundancy replicate:2 has 0 of its 2 copies left, 1 needed$/);
  });
});

// ---- the command line ----

const QSORT = ["run", "qsort", "--size", "small", "--policy", "ram-disk"];

async function json(args: string[]): Promise<Record<string, any>> {
  const r = await remora([...args, "--json"]);
  assert.equal(r.status, 0, `remora ${args.join(" ")}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe("remora run with --redundancy and --fail-server", { concurrency: 2 }, () => {
  for (const [servers, redundancy] of [["4", "replicate:2"], ["3", "ec:2+1"]]) {
    test(`qsort small, ${servers} servers, ${redundancy}, server 1 failing after 2000 transfers: verified, nothing lost, pages recovered`, async () => {
      const r = await json([...QSORT, "--servers", servers, "--redundancy", redundancy, "--fail-server", "1@2000"]);
      assert.equal(r.verified, true);
      assert.equal(r.serverFailures, 1);
      assert.equal(r.pagesLost, 0);
      assert.ok(r.pagesRecovered > 0, `pagesRecovered ${r.pagesRecovered}`);
      assert.ok(r.recoveryCycles > 0);
      assert.equal(r.servers[1], 0, "the failed server holds nothing");
    });

    test(`qsort small, ${servers} servers: ${redundancy}'s modelled time is none's plus exactly its redundancyCycles`, async () => {
      const none = await json([...QSORT, "--servers", servers]);
      const redundant = await json([...QSORT, "--servers", servers, "--redundancy", redundancy]);
      assert.equal(none.verified, true);
      assert.equal(redundant.verified, true);
      assert.equal(none.redundancyCycles, 0);
      assert.ok(redundant.redundancyCycles > 0 && redundant.redundancyBytes > 0);
      assert.equal(redundant.modelledCycles - none.modelledCycles, redundant.redundancyCycles);
      // The same faults: redundancy changes what a transfer costs, not which pages move.
      assert.deepEqual([redundant.pageIns, redundant.pageOuts], [none.pageIns, none.pageOuts]);
      assert.ok(redundant.remoteBytesPeak > none.remoteBytesPeak, "more remote memory held");
    });
  }

  test("the same failure under none exits 4 with one line naming the page, the server and the policy, and prints no result", async () => {
    for (const extra of [[], ["--json"]]) {
      const r = await remora([...QSORT, "--servers", "4", "--fail-server", "1@2000", ...extra]);
      assert.equal(r.status, 4, r.stderr);
      assert.equal(r.stdout, "", "no result printed");
      assert.match(r.stderr, /^remora: page \d+ is lost: memory server 1 failed \(.*\), and ram-disk with --redundancy none kept no other copy\n$/);
    }
  });

  test("a redundant run's modelled figures are the same over one-sided, two-sided and redis", async () => {
    const transports = haveRedisServer() ? ["one-sided", "two-sided", "redis"] : ["one-sided", "two-sided"];
    const base = ["run", "qsort", "--size", "tiny", "--policy", "ram-disk", "--local-pages", "32", "--servers", "3", "--redundancy", "ec:2+1"];
    const figures = (r: Record<string, any>) => [r.verified, r.modelledCycles, r.redundancyCycles, r.redundancyBytes, r.networkBytes, r.remoteBytesPeak, r.servers, r.faultLatencyMicros];
    const runs = [];
    for (const transport of transports) runs.push(await json([...base, "--transport", transport]));
    assert.ok(runs[0].redundancyCycles > 0);
    for (const [i, r] of runs.entries()) assert.deepEqual(figures(r), figures(runs[0]), `${transports[i]} as one-sided`);
  });

  test("redis: an embedded redis-server killed with SIGKILL mid-run is noticed, and replicate:2 loses nothing", { skip: !haveRedisServer() && "redis-server is not installed" }, async () => {
    const r = await json(["run", "qsort", "--size", "tiny", "--policy", "ram-disk", "--local-pages", "32", "--servers", "3",
      "--redundancy", "replicate:2", "--transport", "redis", "--fail-server", "0@300"]);
    assert.equal(r.verified, true);
    assert.equal(r.serverFailures, 1);
    assert.ok(r.pagesRecovered > 0);
  });

  test("redis: the same kill under none exits 4 with one line and no result", { skip: !haveRedisServer() && "redis-server is not installed" }, async () => {
    const r = await remora(["run", "qsort", "--size", "tiny", "--policy", "ram-disk", "--local-pages", "32", "--servers", "2",
      "--transport", "redis", "--fail-server", "0@300"]);
    assert.equal(r.status, 4, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(r.stderr, /^remora: page \d+ is lost: memory server 0 failed \(.*127\.0\.0\.1.*\), and ram-disk with --redundancy none kept no other copy\n$/);
  });

  test("in process: every page read back or rebuilt during a run with a failure is the bytes written (a shadow copy)", async () => {
    const shadow = new Map<number, Uint8Array>();
    let checked = 0;
    let rebuilt = 0;
    const check = (vpage: number, stored: Uint8Array) => {
      assert.deepEqual(stored, shadow.get(vpage), `page ${vpage}`);
      checked++;
    };
    const r = await run({ workload: "qsort", size: "tiny", policy: "ram-disk", localPages: 32, servers: 3, redundancy: "ec:2+1", failServer: ["2@300"] }, {
      resilienceDebug: {
        onStore: (vpage, stored) => { shadow.set(vpage, stored.slice()); },
        onLoad: check,
        onRecover: (vpage, stored) => { check(vpage, stored); rebuilt++; },
      },
    });
    assert.equal(r.verified, true);
    assert.ok(rebuilt > 0 && rebuilt === r.pagesRecovered);
    assert.equal(checked, r.pageIns + rebuilt);
  });
});

describe("bad --redundancy and --fail-server values", { concurrency: 3 }, () => {
  const cases: [string[], string][] = [
    [["--policy", "ram-disk", "--servers", "4", "--redundancy", "replicate:5"], "--redundancy replicate:5 needs 5 distinct memory servers, and the run has 4 (--servers)"],
    [["--policy", "ram-disk", "--servers", "3", "--redundancy", "ec:4+2"], "--redundancy ec:4+2 needs 6 distinct memory servers, and the run has 3 (--servers)"],
    [["--policy", "disk", "--redundancy", "replicate:2"], "--redundancy applies to the policy that pages to memory servers (ram-disk), not disk, which has no memory servers"],
    [["--policy", "counters", "--fail-server", "0@10"], "--fail-server applies to the policy that pages to memory servers (ram-disk), not counters, which accesses pages in place on one server"],
    [["--policy", "ram-disk", "--redundancy", "mirror"], '--redundancy must be none, replicate:K or ec:D+P (e.g. replicate:2, ec:4+2), not "mirror"'],
    [["--policy", "ram-disk", "--redundancy", "ec:0+2"], "--redundancy ec:D+P needs D >= 1, P >= 1 and D + P <= 32, not 0+2"],
    [["--policy", "ram-disk", "--fail-server", "5@10"], "--fail-server 5@10: there is no server 5; the run has servers 0 to 1"],
    [["--policy", "ram-disk", "--fail-server", "1"], '--fail-server must be I@N (server I fails after the client\'s N-th page transfer, e.g. 1@2000), not "1"'],
    [["--policy", "ram-disk", "--transport", "redis", "--server-url", "redis://127.0.0.1:1", "--fail-server", "0@5"],
      "--fail-server crashes the redis-server processes remora starts itself (SIGKILL); it does not kill instances given with --server-url: run without --server-url"],
  ];
  for (const [args, message] of cases) {
    test(`${args.slice(2).join(" ")} exits 2 with one line`, async () => {
      const r = await remora(["run", "trans", "--size", "tiny", ...args]);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, "");
      assert.equal(r.stderr, `remora: ${message}\n`);
    });
  }
});

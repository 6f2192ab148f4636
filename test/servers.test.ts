// The memory servers (host/servers/): worker threads holding pages, reached synchronously.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryServerPool, type MemoryServerPoolOptions } from "../host/servers/pool.ts";
import { TRANSPORTS } from "../host/servers/protocol.ts";

const THREAD_TRANSPORTS = TRANSPORTS.filter((t) => t !== "redis");

const PAGE = 4096;

function pageOf(vpage: number, salt = 0): Uint8Array {
  const bytes = new Uint8Array(PAGE);
  for (let i = 0; i < PAGE; i++) bytes[i] = (i * 131 + vpage * 17 + salt * 7 + 1) & 0xff;
  return bytes;
}

// The worker-thread transports; the redis one (servers that are Redis instances) has test/redis.test.ts.
for (const transport of THREAD_TRANSPORTS) {
  const start = (options: MemoryServerPoolOptions) => MemoryServerPool.start({ ...options, transport });

  test(`a page-out answers with the slot the page went to, the one slotOf reports, and -1 when the server is full (${transport})`, async () => {
    const pool = await start({ servers: 1, capacityBytes: 3 * PAGE, pageSizeBytes: PAGE });
    try {
      const slots = [5, 6, 7].map((v) => pool.pageOutToSlot(0, v, pageOf(v)));
      assert.deepEqual(new Set(slots).size, 3);
      for (const [i, v] of [5, 6, 7].entries()) {
        assert.equal(slots[i], pool.slotOf(0, v));
        assert.deepEqual(pool.storage(0).subarray(slots[i] * PAGE, (slots[i] + 1) * PAGE), pageOf(v));
      }
      assert.equal(pool.pageOutToSlot(0, 8, pageOf(8)), -1);
      assert.equal(pool.pageOutToSlot(0, 6, pageOf(6, 3)), slots[1], "a page written again keeps its slot");
    } finally {
      await pool.stop();
    }
  });

  test(`a page written out comes back identical and is then gone from the server (${transport})`, async () => {
    const pool = await start({ servers: 1, capacityBytes: 8 * PAGE, pageSizeBytes: PAGE });
    try {
      assert.equal(pool.pagesHeld(0), 0);
      assert.equal(pool.pageOut(0, 42, pageOf(42)), true);
      assert.equal(pool.pagesHeld(0), 1);

      // The page is really in the server's storage, at the slot it reports.
      const slot = pool.slotOf(0, 42);
      assert.ok(slot >= 0 && slot < pool.capacityPages);
      assert.deepEqual(pool.storage(0).subarray(slot * PAGE, (slot + 1) * PAGE), pageOf(42));

      const back = new Uint8Array(PAGE);
      assert.equal(pool.pageIn(0, 42, back), true);
      assert.deepEqual(back, pageOf(42));

      // Pages move: the server no longer holds it, and its slot no longer has its bytes.
      assert.equal(pool.pagesHeld(0), 0);
      assert.equal(pool.slotOf(0, 42), -1);
      assert.equal(pool.pagesHeld(0), 0); // a request after the page-in: the slot is cleared by now
      assert.ok(pool.storage(0).subarray(slot * PAGE, (slot + 1) * PAGE).every((b) => b === 0));

      const untouched = new Uint8Array(PAGE).fill(9);
      assert.equal(pool.pageIn(0, 42, untouched), false);
      assert.ok(untouched.every((b) => b === 9));
    } finally {
      await pool.stop();
    }
  });

  test(`a page written out again replaces the old copy in the same slot (${transport})`, async () => {
    const pool = await start({ servers: 1, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE });
    try {
      assert.equal(pool.pageOut(0, 7, pageOf(7, 1)), true);
      const slot = pool.slotOf(0, 7);
      assert.equal(pool.pageOut(0, 7, pageOf(7, 2)), true);
      assert.equal(pool.slotOf(0, 7), slot);
      assert.equal(pool.pagesHeld(0), 1);
      const back = new Uint8Array(PAGE);
      assert.equal(pool.pageIn(0, 7, back), true);
      assert.deepEqual(back, pageOf(7, 2));
    } finally {
      await pool.stop();
    }
  });

  test(`a page of zeros placed on a server reads back as zeros, in a reused slot and over a held page (${transport})`, async () => {
    const pool = await start({ servers: 1, capacityBytes: 2 * PAGE, pageSizeBytes: PAGE });
    try {
      const back = new Uint8Array(PAGE);
      assert.equal(pool.pageOut(0, 1, pageOf(1)), true);
      assert.equal(pool.pageIn(0, 1, back), true); // frees the slot that held page 1's bytes
      const slot = pool.pageOutZeroToSlot(0, 2);
      assert.ok(slot >= 0);
      assert.equal(pool.slotOf(0, 2), slot);
      assert.equal(pool.pageOut(0, 3, pageOf(3)), true);
      assert.equal(pool.pageOutZeroToSlot(0, 3), pool.slotOf(0, 3), "a held page keeps its slot");
      assert.equal(pool.pageOutZeroToSlot(0, 4), -1, "full");
      for (const v of [2, 3]) {
        back.fill(7);
        assert.equal(pool.pageIn(0, v, back), true);
        assert.ok(back.every((b) => b === 0), `page ${v}`);
      }
      assert.equal(pool.pagesHeld(0), 0);
    } finally {
      await pool.stop();
    }
  });

  test(`a full server refuses and keeps what it had (${transport})`, async () => {
    const pool = await start({ servers: 1, capacityBytes: 3 * PAGE, pageSizeBytes: PAGE });
    try {
      for (const v of [10, 11, 12]) assert.equal(pool.pageOut(0, v, pageOf(v)), true);
      assert.equal(pool.pageOut(0, 13, pageOf(13)), false);
      assert.equal(pool.pagesHeld(0), 3);
      assert.equal(pool.slotOf(0, 13), -1);
      // A page it already holds can still be rewritten in place.
      assert.equal(pool.pageOut(0, 11, pageOf(11, 5)), true);
      assert.equal(pool.pagesHeld(0), 3);

      const back = new Uint8Array(PAGE);
      assert.equal(pool.pageIn(0, 13, back), false);
      for (const [v, salt] of [[10, 0], [11, 5], [12, 0]]) {
        assert.equal(pool.pageIn(0, v, back), true);
        assert.deepEqual(back, pageOf(v, salt));
      }
      // Slots freed by the page-ins take new pages.
      assert.equal(pool.pageOut(0, 13, pageOf(13)), true);
      assert.equal(pool.pagesHeld(0), 1);
    } finally {
      await pool.stop();
    }
  });

  for (const servers of [2, 4]) {
    test(`pages moved between ${servers} servers are all counted (${transport})`, async () => {
      const pool = await start({ servers, capacityBytes: 64 * PAGE, pageSizeBytes: PAGE });
      try {
        const pages = 100;
        const where = new Map<number, number>();
        for (let v = 0; v < pages; v++) {
          assert.equal(pool.pageOut(v % servers, v, pageOf(v)), true);
          where.set(v, v % servers);
        }
        const counts = () => Array.from({ length: servers }, (_, s) => pool.pagesHeld(s));
        const expected = () => Array.from({ length: servers }, (_, s) => [...where.values()].filter((w) => w === s).length);
        assert.deepEqual(counts(), expected());

        // Move every third page to the next server.
        const buf = new Uint8Array(PAGE);
        for (let v = 0; v < pages; v += 3) {
          const from = where.get(v)!;
          const to = (from + 1) % servers;
          assert.equal(pool.pageIn(from, v, buf), true);
          assert.equal(pool.pageOut(to, v, buf), true);
          assert.equal(pool.slotOf(from, v), -1);
          assert.ok(pool.slotOf(to, v) >= 0);
          where.set(v, to);
        }
        assert.deepEqual(counts(), expected());
        assert.equal(counts().reduce((a, b) => a + b, 0), pages);

        // Every page comes back from where it went, and the servers end empty.
        for (const [v, s] of where) {
          assert.equal(pool.pageIn(s, v, buf), true);
          assert.deepEqual(buf, pageOf(v));
        }
        assert.deepEqual(counts(), new Array(servers).fill(0));
      } finally {
        await pool.stop();
      }
      const stats = pool.serverStats();
      assert.equal(stats.length, servers);
      // Two-sided, the servers moved every page; one-sided, the client did, in place.
      const moved = transport === "two-sided" ? 1 : 0;
      assert.equal(stats.reduce((n, s) => n + s!.pageOuts, 0), (100 + 34) * moved);
      assert.equal(stats.reduce((n, s) => n + s!.pageIns, 0), (34 + 100) * moved);
    });
  }

  test(`stop() twice is fine, and a stopped pool refuses requests (${transport})`, async () => {
    const pool = await start({ servers: 2, capacityBytes: 2 * PAGE, pageSizeBytes: PAGE });
    assert.equal(pool.pageOut(1, 3, pageOf(3)), true);
    await pool.stop();
    await pool.stop();
    await Promise.all([pool.stop(), pool.stop()]);
    assert.equal(pool.serverStats()[1]!.pagesHeld, 1);
    assert.throws(() => pool.pagesHeld(0), { message: "memory server 0 cannot serve: the pool is stopped" });
  });

  test(`a server that dies makes its requests throw, naming it, and stop() still works (${transport})`, async () => {
    const pool = await start({ servers: 2, capacityBytes: 2 * PAGE, pageSizeBytes: PAGE });
    try {
      assert.equal(pool.pageOut(1, 5, pageOf(5)), true);
      await pool.killServer(1);
      assert.throws(() => pool.pageIn(1, 5, new Uint8Array(PAGE)), /^Error: memory server 1 cannot serve: its thread died/);
      assert.throws(() => pool.pagesHeld(1), /memory server 1 cannot serve/);
      // The other server is unaffected.
      assert.equal(pool.pageOut(0, 5, pageOf(5)), true);
      assert.equal(pool.pagesHeld(0), 1);
    } finally {
      await pool.stop();
      await pool.stop();
    }
  });
}

test("bad options and bad requests give their exact error messages", async () => {
  const good: MemoryServerPoolOptions = { servers: 1, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE };
  const cases: [Partial<MemoryServerPoolOptions>, string][] = [
    [{ servers: 0 }, "servers must be an integer >= 1, not 0"],
    [{ servers: 1.5 }, "servers must be an integer >= 1, not 1.5"],
    [{ pageSizeBytes: 3000 }, "pageSizeBytes must be a power of two from 1024 to 65536, not 3000"],
    [{ pageSizeBytes: 512, capacityBytes: 4096 }, "pageSizeBytes must be a power of two from 1024 to 65536, not 512"],
    [{ capacityBytes: 100 }, "capacityBytes must be at least one page (4096 bytes), not 100"],
    [{ capacityBytes: 6000 }, "capacityBytes must be a whole number of 4096-byte pages, not 6000"],
    [{ serverSpinMicros: -1 }, "serverSpinMicros must be from 0 to 1000000 µs, not -1"],
    [{ timeoutMs: 0 }, "timeoutMs must be a positive number of milliseconds, not 0"],
    [{ transport: "rdma" as "one-sided" }, "transport must be one of one-sided, two-sided, redis, not rdma"],
    [{ transport: "redis" }, "the redis transport, and only it, needs the instances' URLs"],
  ];
  for (const [bad, message] of cases) {
    await assert.rejects(MemoryServerPool.start({ ...good, ...bad }), { name: "RangeError", message });
  }

  const pool = await MemoryServerPool.start(good);
  try {
    assert.throws(() => pool.pageOut(1, 0, pageOf(0)), { message: "no memory server 1: the pool has servers 0 to 0" });
    assert.throws(() => pool.pageOut(0, -1, pageOf(0)), { message: "vpage must be an integer from 0 to 2147483647, not -1" });
    assert.throws(() => pool.pageOut(0, 0, new Uint8Array(4097)), { message: "pageOut: a page is stored as 1 to 4096 bytes, not 4097" });
    assert.throws(() => pool.pageOut(0, 0, new Uint8Array(0)), { message: "pageOut: a page is stored as 1 to 4096 bytes, not 0" });
    assert.throws(() => pool.pageIn(0, 0, new Uint8Array(8192)), { message: "pageIn: the page must be 4096 bytes, not 8192" });
    assert.equal(pool.pagesHeld(0), 0); // still serving
  } finally {
    await pool.stop();
  }
});

for (const transport of THREAD_TRANSPORTS) {
  test(`10,000 round trips of a 4 KiB page complete (${transport})`, async () => {
    const pool = await MemoryServerPool.start({ servers: 1, capacityBytes: 16 * PAGE, pageSizeBytes: PAGE, transport });
    try {
      const page = pageOf(0);
      const back = new Uint8Array(PAGE);
      for (let i = 0; i < 5000; i++) {
        page[0] = i & 0xff;
        assert.equal(pool.pageOut(0, i % 16, page), true);
        assert.equal(pool.pageIn(0, i % 16, back), true);
        assert.equal(back[0], i & 0xff);
      }
      assert.deepEqual(back.subarray(1), page.subarray(1));
      const rt = pool.roundTripMicros();
      assert.ok(rt !== null);
      assert.equal(rt.count, 10_000);
      console.log(`memory server round trip (${transport}), 4 KiB: p50 ${rt.p50.toFixed(2)} µs, p99 ${rt.p99.toFixed(2)} µs over ${rt.count} requests`);
      assert.equal(pool.pagesHeld(0), 0);
    } finally {
      await pool.stop();
    }
    // The COUNT and the STOP, and two-sided the 10,000 page requests; one-sided, none of those.
    assert.equal(pool.serverStats()[0]!.requests, (transport === "two-sided" ? 10_000 : 0) + 2);
  });
}

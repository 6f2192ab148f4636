// Memory servers that stop answering: a request gives up after the pool's timeoutMs with an error
// naming the server and the timeout, a server thread that vanishes is noticed without waiting for
// it, and start() gives up on workers that do not reach their loop. Nothing here may hang: every
// test has its own time limit.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MemoryServerPool } from "../host/servers/pool.ts";
import { CONTROL_BYTES, CONTROL_WORDS, STATE, State, THREAD_ID, TRANSPORTS } from "../host/servers/protocol.ts";

const PAGE = 4096;
const TIMEOUT_MS = 300;
/** How much later than its timeout a request may give up on this busy 2-core machine. */
const SLACK_MS = 3000;

const pageOf = (vpage: number): Uint8Array => new Uint8Array(PAGE).fill(vpage & 0xff);

/** The pool's private state, which these tests reach into to make a server fail. */
interface PoolInternals {
  list: { ctrl: Int32Array }[];
  pool: { threads: { threadId: number; terminate(): Promise<number> }[] };
}
const internals = (pool: MemoryServerPool) => pool as unknown as PoolInternals;

/** Cuts server `id` off: its client now posts requests on a channel no thread watches, as if the
 *  server had stopped answering (hung, or the link to it dropped). The real thread stays idle. */
function silence(pool: MemoryServerPool, id: number): void {
  const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES), 0, CONTROL_WORDS);
  Atomics.store(ctrl, STATE, State.IDLE);
  internals(pool).list[id].ctrl = ctrl;
}

/** Runs fn, which must throw; returns the error and how long it took, in ms. */
function timedThrow(fn: () => unknown): { error: Error; ms: number } {
  const t0 = performance.now();
  try {
    fn();
  } catch (e) {
    return { error: e as Error, ms: performance.now() - t0 };
  }
  assert.fail(`expected a throw, it returned after ${(performance.now() - t0).toFixed(0)} ms`);
}

// The thread transports (the redis transport's timeouts are in test/redis.test.ts).
for (const transport of TRANSPORTS.filter((t) => t !== "redis")) {
  test(`a server that stops answering makes the next request fail after about timeoutMs, naming the server and the timeout (${transport})`, { timeout: 30_000 }, async () => {
    const pool = await MemoryServerPool.start({ servers: 2, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, transport, timeoutMs: TIMEOUT_MS });
    try {
      assert.equal(pool.pageOut(1, 5, pageOf(5)), true);
      assert.equal(pool.pagesHeld(1), 1); // a request that is answered
      silence(pool, 1);

      const { error, ms } = timedThrow(() => pool.pagesHeld(1));
      assert.equal(error.message, `memory server 1 did not answer within ${TIMEOUT_MS / 1000} s`);
      assert.ok(ms >= TIMEOUT_MS - 5, `gave up after ${ms.toFixed(0)} ms, before its timeout of ${TIMEOUT_MS} ms`);
      assert.ok(ms < TIMEOUT_MS + SLACK_MS, `gave up after ${ms.toFixed(0)} ms, long after its timeout of ${TIMEOUT_MS} ms`);

      // From then on the server is known to be gone: its requests fail at once, with the reason.
      const again = timedThrow(() => pool.pageIn(1, 5, new Uint8Array(PAGE)));
      // (one-sided: even a page-in, which reads the server's storage in place without its thread)
      assert.equal(again.error.message, `memory server 1 cannot serve: it did not answer within ${TIMEOUT_MS / 1000} s`);
      assert.ok(again.ms < TIMEOUT_MS / 2, `a request to a server known to be gone took ${again.ms.toFixed(0)} ms`);

      // The other server is unaffected.
      assert.equal(pool.pageOut(0, 6, pageOf(6)), true);
      assert.equal(pool.pagesHeld(0), 1);
    } finally {
      // stop() waits at most timeoutMs for servers to end, then ends their threads.
      const t0 = performance.now();
      await pool.stop();
      assert.ok(performance.now() - t0 < TIMEOUT_MS + SLACK_MS, `stop() took ${(performance.now() - t0).toFixed(0)} ms`);
    }
  });

  test(`a server thread that ends behind the pool's back is noticed at once: the next request fails naming the server, without waiting for the timeout (${transport})`, { timeout: 30_000 }, async () => {
    const pool = await MemoryServerPool.start({ servers: 2, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, transport, timeoutMs: TIMEOUT_MS });
    try {
      assert.equal(pool.pageOut(1, 5, pageOf(5)), true);
      const threadId = Atomics.load(internals(pool).list[1].ctrl, THREAD_ID);
      const worker = internals(pool).pool.threads.find((w) => w.threadId === threadId);
      assert.ok(worker, `server 1's thread ${threadId} is one of the pool's`);
      // Unlike killServer, nothing tells the pool: the thread just ends (its loop's finally does
      // not run, so the channel never says DEAD); the pool learns it from its task's end.
      await worker.terminate();
      await new Promise((resolve) => setImmediate(resolve));

      const { error, ms } = timedThrow(() => pool.pagesHeld(1));
      assert.match(error.message, /^memory server 1 cannot serve: its thread died/);
      assert.ok(ms < TIMEOUT_MS / 2, `gave up after ${ms.toFixed(0)} ms`);
      assert.throws(() => pool.pageIn(1, 5, new Uint8Array(PAGE)), /^Error: memory server 1 cannot serve: its thread died/);
      assert.equal(pool.pagesHeld(0), 0);
    } finally {
      const t0 = performance.now();
      await pool.stop();
      assert.ok(performance.now() - t0 < TIMEOUT_MS + SLACK_MS, `stop() took ${(performance.now() - t0).toFixed(0)} ms`);
    }
  });
}

// START_TIMEOUT_MS (60 s) is a constant of host/servers/pool.ts that no option lowers, so this test
// moves the clock instead: every reading start() takes after its first (the deadline) is 61 s
// later, while the workers are still loading. The jump is 61 s, just past the 60 s constant.
test("start() gives up on servers that do not reach their loop before its deadline, naming the server, and leaves no thread behind", { timeout: 30_000 }, async () => {
  const JUMP_MS = 61_000;
  const realNow = performance.now.bind(performance);
  let poolReadings = 0;
  performance.now = () => {
    // The caller's frame (piscina reads the clock too, under start(): those readings are left alone).
    const fromPool = /host\/servers\/pool\.[cm]?[jt]s:/.test((new Error().stack ?? "").split("\n")[2] ?? "");
    return realNow() + (fromPool && poolReadings++ > 0 ? JUMP_MS : 0);
  };
  const t0 = realNow();
  try {
    const started = await MemoryServerPool.start({ servers: 2, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, timeoutMs: TIMEOUT_MS })
      .then((pool) => pool, (e: Error) => e);
    performance.now = realNow;
    if (started instanceof MemoryServerPool) {
      await started.stop(); // or its threads would keep this file from ending
      assert.fail(`start() succeeded after ${poolReadings} readings of the clock`);
    }
    assert.equal(started.message, "memory server 0 did not start within 60 s");
  } finally {
    performance.now = realNow;
  }
  assert.ok(poolReadings >= 2, `start() read the clock ${poolReadings} times`);
  assert.ok(realNow() - t0 < 10_000, `start() took ${(realNow() - t0).toFixed(0)} ms to give up`);
  // With the real clock a pool starts and serves (the workers' threads of the failed start are gone:
  // if they were not, this file would not end).
  const pool = await MemoryServerPool.start({ servers: 1, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, timeoutMs: TIMEOUT_MS });
  try {
    assert.equal(pool.pagesHeld(0), 0);
  } finally {
    await pool.stop();
  }
});

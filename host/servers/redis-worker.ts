// One memory server of the redis transport: a piscina task that stands for one Redis instance. It
// answers its channel's requests (host/servers/protocol.ts) with Redis commands on the page's key,
// KEY_PREFIX + vpage, whose value is the page's stored bytes (a page, or its compressed form):
//
//   PAGE_OUT     SET          answered as soon as it is sent (see below)
//   PAGE_IN      GETDEL       the page leaves the server, as with the threads
//   READ_RANGE   GETRANGE     a single remote load (REMOTE_MAIN, COUNTERS)
//   WRITE_RANGE  SETRANGE     a single remote store, answered once sent
//   COUNT        SCAN MATCH KEY_PREFIX*
//   SLOT_OF      EXISTS       (a Redis value has no slot: 0 when held)
//   STOP         deletes this run's keys (unless keepPages), then QUIT
//
// The client waits for every answer (its fault handler cannot await), but this thread must keep
// its event loop free for the Redis connection: it waits for requests with Atomics.waitAsync.
// Commands go out on one connection in order, so a GET sent after a SET sees it: the write-back
// and the read of one fault go out back to back and share a round trip. A SET's own error
// surfaces at the next request (FAILED), never as a wrong page.
//
// Capacity (--server-mem) is counted here as the threads count slots, so the engine's map and
// placement, and with them every modelled figure, are the same under every transport.
import { threadId } from "node:worker_threads";
import { Redis } from "ioredis";
import {
  CLIENT_SLEEPING, CONTROL_BYTES, DEFAULT_SERVER_SPIN_MICROS, LENGTH, OFFSET, OP, Op, POOL_BYTES, spinForRequest, RESULT, Result, SEQ, SERVER_SLEEPING, SPINNER, STATE, State, THREAD_ID, VPAGE,
  type ServerStats, type ServerTask,
} from "./protocol.ts";
import { redactUrl } from "./redis.ts";

/** SCAN's batch hint; COUNT and STOP loop until the cursor returns to 0, which Redis guarantees. */
const SCAN_BATCH = 1000;
const MIN_REDIS_MAJOR = 7;

/** Node 20 has Atomics.waitAsync; TypeScript's lib declares it from es2024 on. */
const waitAsync = (Atomics as unknown as {
  waitAsync(view: Int32Array, index: number, value: number, timeoutMs: number): { async: boolean; value: Promise<string> | string };
}).waitAsync;

export default async function serveRedis(task: ServerTask): Promise<ServerStats> {
  const { channel, pageSizeBytes, slotBytes, capacitySlots, id } = task;
  const target = task.redis!;
  const where = `memory server ${id} (${redactUrl(target.url)})`;
  const ctrl = new Int32Array(channel, 0, CONTROL_BYTES / 4);
  const data = new Uint8Array(channel, CONTROL_BYTES, pageSizeBytes);
  const spinMs = (task.spinMicros ?? DEFAULT_SERVER_SPIN_MICROS) / 1000;
  const pool = new Int32Array(task.pool ?? new SharedArrayBuffer(POOL_BYTES), 0, 1);
  if (task.pool === undefined) pool[SPINNER] = id; // alone: always allowed to poll
  const stats: ServerStats = { id, requests: 0, pageOuts: 0, pageIns: 0, refusedFull: 0, notHeld: 0, pagesHeld: 0, sleeps: 0 };

  const redis = new Redis(target.url, {
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    commandTimeout: target.connectTimeoutMs,
    // A lost connection fails the server: no reconnecting, no queueing while offline.
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // Each command reports its own failure; the connection's last error says why connecting failed
  // (ioredis's connect() itself then only says the connection closed).
  let connectionError: unknown = null;
  redis.on("error", (e) => { connectionError = e; });
  const key = (vpage: number) => `${target.keyPrefix}${vpage}`;

  try {
    await redis.connect();
  } catch (e) {
    redis.disconnect();
    throw new Error(`${where}: cannot connect: ${message(connectionError ?? e)}`);
  }
  try {
    const version = /redis_version:(\d+)/.exec(await redis.info("server"))?.[1];
    if (version !== undefined && Number(version) < MIN_REDIS_MAJOR) {
      throw new Error(`is Redis ${version}; remora needs Redis or Valkey ${MIN_REDIS_MAJOR} or later`);
    }
    // maxmemory 0 is no limit; a managed instance may refuse CONFIG, then only its errors tell.
    const maxmemory = await redis.config("GET", "maxmemory").then((r) => Number((r as string[])[1]), () => 0);
    const capacityBytes = capacitySlots * slotBytes;
    if (maxmemory > 0 && capacityBytes > maxmemory) {
      throw new Error(`--server-mem (${capacityBytes} bytes) is more than the instance's maxmemory (${maxmemory} bytes)`);
    }
  } catch (e) {
    redis.disconnect();
    // A connection refused after it opened (a wrong password) closes it under these commands.
    throw new Error(`${where}: ${connectionError !== null ? `cannot connect: ${message(connectionError)}` : message(e)}`);
  }

  /** Slots each page takes, as slots.ts counts them, and the slots in use. */
  const held = new Map<number, number>();
  let usedSlots = 0;
  let failure: string | null = null;
  const fail = (e: unknown) => { failure ??= message(e); };

  Atomics.store(ctrl, THREAD_ID, threadId);
  Atomics.store(ctrl, STATE, State.IDLE);
  Atomics.notify(ctrl, STATE);

  try {
    for (;;) {
      // Sleep until a request: the flag first, then the re-check (protocol.ts), then the wait.
      let s = Atomics.load(ctrl, STATE);
      // The spin holds the event loop, which only delays the replies to SETs no one waits for.
      if (s !== State.REQUEST) s = spinForRequest(ctrl, pool, id, spinMs);
      if (s !== State.REQUEST) {
        stats.sleeps++;
        Atomics.store(ctrl, SERVER_SLEEPING, 1);
        while ((s = Atomics.load(ctrl, STATE)) !== State.REQUEST) {
          const wait = waitAsync(ctrl, STATE, s, 1000);
          if (wait.async) await wait.value;
        }
        Atomics.store(ctrl, SERVER_SLEEPING, 0);
      }

      const op = ctrl[OP];
      const vpage = ctrl[VPAGE];
      stats.requests++;
      let result: number = Result.OK;
      if (op === Op.STOP) break;
      try {
        if (failure !== null) throw new Error(failure);
        if (op === Op.PAGE_OUT) {
          const length = ctrl[LENGTH];
          if (vpage < 0 || !(length >= 1 && length <= pageSizeBytes)) {
            result = Result.BAD_REQUEST;
          } else {
            const need = length <= slotBytes ? 1 : Math.ceil(length / slotBytes);
            const have = held.get(vpage) ?? 0;
            if (usedSlots - have + need > capacitySlots) {
              result = Result.FULL;
              stats.refusedFull++;
            } else {
              usedSlots += need - have;
              held.set(vpage, need);
              redis.set(key(vpage), Buffer.from(data.subarray(0, length))).catch(fail);
              stats.pageOuts++;
              result = 0;
            }
          }
        } else if (op === Op.PAGE_IN) {
          const page = await redis.getdelBuffer(key(vpage));
          if (page === null) {
            result = Result.NOT_HELD;
            stats.notHeld++;
          } else {
            data.set(page);
            ctrl[LENGTH] = page.length;
            usedSlots -= held.get(vpage) ?? 0;
            held.delete(vpage);
            stats.pageIns++;
          }
        } else if (op === Op.READ_RANGE) {
          const offset = ctrl[OFFSET];
          const length = ctrl[LENGTH];
          const bytes = await redis.getrangeBuffer(key(vpage), offset, offset + length - 1);
          if (bytes.length !== length) result = Result.NOT_HELD;
          else data.set(bytes);
        } else if (op === Op.WRITE_RANGE) {
          redis.setrange(key(vpage), ctrl[OFFSET], Buffer.from(data.subarray(0, ctrl[LENGTH]))).catch(fail);
        } else if (op === Op.COUNT) {
          result = await scanKeys(redis, `${target.keyPrefix}*`, () => {});
        } else if (op === Op.SLOT_OF) {
          result = (await redis.exists(key(vpage))) === 1 ? 0 : -1;
        } else {
          result = Result.BAD_REQUEST;
        }
        // A SET sent earlier may have failed meanwhile: never answer as if it had not.
        if (failure !== null) throw new Error(failure);
      } catch (e) {
        fail(e);
        const text = new TextEncoder().encode(`${where}: ${failure}`).subarray(0, pageSizeBytes);
        data.set(text);
        ctrl[LENGTH] = text.length;
        result = Result.FAILED;
      }

      ctrl[RESULT] = result;
      ctrl[SEQ]++;
      Atomics.store(ctrl, STATE, State.RESPONSE);
      if (Atomics.load(ctrl, CLIENT_SLEEPING) !== 0) Atomics.notify(ctrl, STATE);
    }

    // STOP: what was sent has arrived once a PING comes back; then this run's keys go.
    // Also after a failure, while the connection lasts: a run leaves none of its keys behind.
    stats.pagesHeld = held.size;
    try {
      await redis.ping();
      if (!target.keepPages) await scanKeys(redis, `${target.keyPrefix}*`, (keys) => redis.unlink(...keys));
      await redis.quit();
    } catch {
      // The instance is gone, and its keys with it, or out of reach: nothing more to do here.
    }
  } finally {
    redis.disconnect();
    // Stopped or failed: no request will be answered from now on; wake a waiting client.
    ctrl[RESULT] = Result.OK;
    Atomics.store(ctrl, STATE, State.DEAD);
    Atomics.notify(ctrl, STATE);
  }
  return stats;
}

/** Counts the keys matching `pattern`, handing each batch to `each`. */
export async function scanKeys(redis: Redis, pattern: string, each: (keys: string[]) => unknown): Promise<number> {
  // SCAN may return a key twice (while the instance rehashes): count each once.
  const seen = new Set<string>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", SCAN_BATCH);
    if (keys.length > 0) await each(keys);
    for (const k of keys) seen.add(k);
    cursor = next;
  } while (cursor !== "0");
  return seen.size;
}

function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.replace(/\.$/, "");
}

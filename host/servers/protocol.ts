// The channel between the main thread (the client) and one memory server (a worker thread).
//
// Each server has one channel: a SharedArrayBuffer holding a control block of Int32 words and a
// page-sized data area. The page fault handler runs inside a wasm import on the main thread and
// cannot await, so a request is synchronous: the client writes the request, flips STATE to
// REQUEST and waits (spin, then Atomics.wait) for the server to flip it to RESPONSE.
//
//   byte 0                                                             CONTROL_BYTES (64)
//   +--------+--------+--------+--------+--------+--------+--------+--------+-- ... --+
//   | STATE  |   OP   | VPAGE  | RESULT |  SEQ   | SERVER | CLIENT | THREAD | LENGTH |  spare  |
//   |        |        |        |        |        |SLEEPING|SLEEPING|   ID   |        |         |
//   +--------+--------+--------+--------+--------+--------+--------+--------+--------+-- ... --+
//   word 0    1        2        3        4        5        6        7        8        9..15
//
//   CONTROL_BYTES                                         CONTROL_BYTES + pageSizeBytes
//   +--------------------------------------------------------------------------+
//   | DATA: one page. PAGE_OUT: the client puts the page here for the server.   |
//   |       PAGE_IN: the server puts the page here for the client.              |
//   |       (A compressed page fills only its first LENGTH bytes.)              |
//   +--------------------------------------------------------------------------+
//
// Words (all accessed with Atomics where another thread may be writing them):
//   STATE            the channel's state, one of State below. The client moves IDLE/RESPONSE ->
//                    REQUEST; the server moves REQUEST -> RESPONSE, STARTING -> IDLE and anything
//                    -> DEAD when its loop fails or stops. Both sides Atomics.wait on this word.
//   OP, VPAGE        the request (Op below, and the virtual page number), written by the client
//                    before it stores REQUEST into STATE.
//   RESULT           the answer (Result below, or a count / slot: a PAGE_OUT that stores the page
//                    answers with its slot), written by the server before it
//                    stores RESPONSE into STATE.
//   SEQ              requests served so far, incremented by the server (a debugging aid).
//   SERVER_SLEEPING  1 while the server is (about to be) in Atomics.wait: only then does the
//                    client need Atomics.notify after storing REQUEST.
//   CLIENT_SLEEPING  1 while the client is (about to be) in Atomics.wait: only then does the
//                    server need Atomics.notify after storing RESPONSE.
//   THREAD_ID        the server's worker_threads threadId, written when it starts.
//   LENGTH           the page's bytes in DATA: written by the client with PAGE_OUT, by the server
//                    with its answer to PAGE_IN (the page size, or less for a compressed page).
//
// Each side sets its SLEEPING flag before it re-checks STATE and sleeps; the other side stores
// STATE before it reads the flag. Atomics are sequentially consistent, so either the sleeper sees
// the new STATE (and does not sleep), or the other side sees the flag (and notifies).
//
// One more SharedArrayBuffer is shared by the client and every server, the pool block:
//
//   +---------+-------- ... --------+
//   | SPINNER |        spare        |   POOL_BYTES (64)
//   +---------+-------- ... --------+
//   word 0     1..15
//
//   SPINNER          the id of the one server allowed to poll for requests (or -1): the client
//                    stores the target's id before each request. A server polls only while it is
//                    the SPINNER and for at most its spin time, so on a 2-core machine at most
//                    two threads run flat out: the client and the server it used last. Without
//                    this, servers used in turn all poll at once and starve each other.
//
// The server's pages live in a second SharedArrayBuffer, its storage: slots of slotBytes (a page,
// unless pages are compressed: host/servers/slots.ts), slot s at byte s * slotBytes. A third, its
// slot table, holds one Int32 per slot: the page whose first slot it is, CONTINUATION_SLOT for a
// compressed page's further slots, or FREE_SLOT. COUNT and SLOT_OF answer from the table.
//
// Who fills the slots depends on the pool's transport:
//   two-sided  the server: PAGE_OUT and PAGE_IN requests; it allocates slots and copies pages
//              between DATA and its storage (Anemone's messages to a memory server).
//   one-sided  the client: it owns every slot of the storage, registered with it once, as an RDMA
//              client owns a registered memory region; it writes and reads pages and the slot
//              table in place and sends no request on the data path. The server thread is idle
//              until COUNT, SLOT_OF or STOP.
//   redis      each server thread is a proxy for a Redis instance (host/servers/redis-worker.ts):
//              it answers the same requests with Redis commands on the page's key, and has no
//              storage of its own. A PAGE_OUT (SET) or WRITE_RANGE (SETRANGE) is answered once it
//              is sent: the next request's command follows it on the same connection, so the
//              write-back and the read of one fault share a round trip.

export const STATE = 0;
export const OP = 1;
export const VPAGE = 2;
export const RESULT = 3;
export const SEQ = 4;
export const SERVER_SLEEPING = 5;
export const CLIENT_SLEEPING = 6;
export const THREAD_ID = 7;
export const LENGTH = 8;
/** READ_RANGE, WRITE_RANGE: the byte offset in the page. */
export const OFFSET = 9;

/** Bytes before the data area (16 words; keeps the data area 64-byte aligned). */
export const CONTROL_BYTES = 64;
export const CONTROL_WORDS = CONTROL_BYTES / 4;

export const State = {
  /** The worker has not started its loop yet. */
  STARTING: 0,
  /** Ready, no request outstanding. */
  IDLE: 1,
  /** The client has posted a request; the server owns OP, VPAGE and DATA. */
  REQUEST: 2,
  /** The server has answered; the client owns RESULT and DATA. */
  RESPONSE: 3,
  /** The server's loop has ended (stopped, or failed); no request will be answered. */
  DEAD: 4,
} as const;

export const Op = {
  /** Store DATA's first LENGTH bytes as page VPAGE (reusing its slots if it has them). RESULT: its
   *  first slot, or FULL. */
  PAGE_OUT: 1,
  /** Copy page VPAGE into DATA (its length into LENGTH) and forget it, freeing its slots.
   *  RESULT: OK, or NOT_HELD. */
  PAGE_IN: 2,
  /** RESULT: the number of pages the server holds (first slots in its slot table). */
  COUNT: 3,
  /** RESULT: the storage slot (the first) of page VPAGE, from the slot table, or -1. */
  SLOT_OF: 4,
  /** End the loop. RESULT: OK. */
  STOP: 5,
  /** Redis: copy LENGTH bytes of page VPAGE from OFFSET into DATA (a single remote load, GETRANGE). */
  READ_RANGE: 6,
  /** Redis: store DATA's first LENGTH bytes into page VPAGE at OFFSET (a single remote store,
   *  SETRANGE). Answered once sent, like PAGE_OUT. */
  WRITE_RANGE: 7,
} as const;

export const Result = {
  OK: 0,
  /** PAGE_OUT of a new page into a server whose slots are all used; it keeps what it had. */
  FULL: -1,
  /** PAGE_IN of a page the server does not hold. */
  NOT_HELD: -2,
  /** An op code the server does not know, or a VPAGE out of range. */
  BAD_REQUEST: -3,
  /** Redis: the instance failed (a command's error, a lost connection, a timeout); DATA holds the
   *  reason, LENGTH bytes of UTF-8. The server is of no further use. */
  FAILED: -4,
} as const;

/** How pages move between the client and the servers (see above). */
export const TRANSPORTS = ["one-sided", "two-sided", "redis"] as const;
export type Transport = (typeof TRANSPORTS)[number];

/** A slot table entry for an empty slot, and for a slot after a page's first. */
export const FREE_SLOT = -1;
export const CONTINUATION_SLOT = -2;

export const SPINNER = 0;
export const POOL_BYTES = 64;

/**
 * How long each side polls STATE before it sleeps in Atomics.wait, in µs. Waking a sleeping
 * thread costs tens of µs here, polling costs a core: a server keeps polling for 1 ms after its
 * last answer (while it is the SPINNER); the client polls 0.5 ms for an answer, long enough to
 * cover a server's wake-up.
 */
export const DEFAULT_SERVER_SPIN_MICROS = 1000;
export const DEFAULT_CLIENT_SPIN_MICROS = 500;

/**
 * A poller that sees this much time pass between two looks at the clock (64 polls, well under a
 * µs apart when it runs) was descheduled: the machine is oversubscribed, and polling on would only
 * take the core from the thread with work to do. It sleeps at once instead; a thread woken from
 * Atomics.wait gets the CPU back far sooner than one that used up its share polling.
 */
export const PREEMPTED_MS = 0.05;

/** A server's wait for its next request before it sleeps: polls STATE while it is the pool's
 *  SPINNER, for at most spinMs (a fault's next request, its page-in after the write-back, then
 *  needs no wake-up), stopping early when descheduled. Returns the last STATE seen. */
export function spinForRequest(ctrl: Int32Array, pool: Int32Array, id: number, spinMs: number): number {
  let s = Atomics.load(ctrl, STATE);
  let last = performance.now();
  const until = last + spinMs;
  for (let i = 1; Atomics.load(pool, SPINNER) === id; i++) {
    s = Atomics.load(ctrl, STATE);
    if (s === State.REQUEST) break;
    if ((i & 63) === 0) {
      const now = performance.now();
      if (now > until || now - last > PREEMPTED_MS) break; // out of time, or descheduled
      last = now;
    }
  }
  return s;
}

/** What one server task receives (through piscina, structured-cloned; the buffers are shared). */
export interface ServerTask {
  channel: SharedArrayBuffer;
  storage: SharedArrayBuffer;
  /** capacitySlots Int32 words: the slot table. */
  slots: SharedArrayBuffer;
  capacitySlots: number;
  slotBytes: number;
  pageSizeBytes: number;
  id: number;
  /** The pool block (POOL_BYTES, shared by all servers); without it the server always polls. */
  pool?: SharedArrayBuffer;
  /** How long to poll for the next request before sleeping, in µs (DEFAULT_SERVER_SPIN_MICROS). */
  spinMicros?: number;
  /** Redis: the instance this server stands for. */
  redis?: RedisTarget;
}

/** What a Redis proxy server needs: where its instance is and the keys of this run. */
export interface RedisTarget {
  url: string;
  /** Every key of this server's pages starts with it: remora:RUN:SERVER: (then the page number). */
  keyPrefix: string;
  connectTimeoutMs: number;
  /** Leave the pages in the instance at STOP (for inspection); the default deletes them. */
  keepPages: boolean;
}

/** What a server's task returns when it stops. */
export interface ServerStats {
  id: number;
  requests: number;
  pageOuts: number;
  pageIns: number;
  refusedFull: number;
  notHeld: number;
  /** Pages held when it stopped. */
  pagesHeld: number;
  /** How often it went to sleep in Atomics.wait because no request came while it spun. */
  sleeps: number;
}

export function channelBytes(pageSizeBytes: number): number {
  return CONTROL_BYTES + pageSizeBytes;
}

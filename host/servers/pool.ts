// The memory servers: worker threads (one long-running piscina task each) that hold the pages
// that are not local, reached synchronously from the main thread, where the page fault handler
// runs inside a wasm import and cannot await.
//
// Pages move by one of two transports (protocol.ts draws both):
//   one-sided (the default)  RDMA-style: the client owns the slots of each server's storage and
//       reads and writes pages and the slot table in place; no thread is woken on the data path,
//       so a page-in or page-out costs a 4 KiB copy.
//   redis  each server is a Redis instance, and its worker thread a proxy that answers the same
//       requests with Redis commands (redis-worker.ts); the client side is the two-sided one.
//   two-sided  a request over the server's channel: the client writes the request, stores
//       REQUEST, notifies the server only if it sleeps, then polls for the answer for a while
//       before sleeping in Atomics.wait itself. The server polls for a while after each answer
//       before it sleeps. On this 2-core machine nobody polls forever, and a request to a server
//       that is asleep costs a futex wake (tens of µs).
// Either way the modelled time is the link model's; the transport changes only real time.
//
// The workers load server-worker.ts through tsx: each one is started with
// `--import <tsx's loader>`, resolved from this file, so it works whether the main program
// registered tsx with `node --import` or with tsx/esm/api's register() (as bin/remora does), and
// from any working directory. The workers do not inherit the main thread's execArgv (which would
// load binaryen in each of them).
import { Piscina } from "piscina";
import {
  CLIENT_SLEEPING, CONTROL_BYTES, DEFAULT_CLIENT_SPIN_MICROS, DEFAULT_SERVER_SPIN_MICROS, FREE_SLOT, LENGTH, OFFSET, OP, Op, POOL_BYTES,
  PREEMPTED_MS, RESULT, Result, SERVER_SLEEPING, SPINNER, STATE, State, THREAD_ID, TRANSPORTS, VPAGE, channelBytes, type ServerStats,
  type ServerTask, type Transport,
} from "./protocol.ts";
import { SlotStore } from "./slots.ts";
import { packageModule, workerExecArgv } from "../paths.ts";
import { LatencyHistogram } from "./latency.ts";
import { redactUrl } from "./redis.ts";

export interface MemoryServerPoolOptions {
  /** Number of memory servers (worker threads), an integer >= 1. */
  servers: number;
  /** What each server can hold, in bytes: a whole number of pages, at least one. */
  capacityBytes: number;
  /** Page size in bytes: a power of two from 1 KiB to 64 KiB. */
  pageSizeBytes: number;
  /** The unit of each server's storage (default: a page). Compressed pages are stored in slots
   *  of a fraction of a page, so that capacityBytes holds more of them (host/servers/slots.ts). */
  slotBytes?: number;
  /** How long a server polls for its next request before it sleeps, in µs (default 1000). */
  serverSpinMicros?: number;
  /** How long the client polls for an answer before it sleeps, in µs (default 500). */
  clientSpinMicros?: number;
  /** How long a request may wait for its answer before it throws (default 10 000 ms). */
  timeoutMs?: number;
  /** How pages move: "one-sided" (the default), "two-sided" requests or "redis", see above. */
  transport?: Transport;
  /** The redis transport: one instance per server. */
  redis?: RedisPoolOptions;
}

export interface RedisPoolOptions {
  /** redis://HOST:PORT[/DB], one per server. */
  urls: string[];
  /** Names this run's keys (remora:RUN:SERVER:VPAGE), so that runs can share an instance. */
  runId: string;
  /** How long connecting, and each command, may take before the server counts as failed. */
  connectTimeoutMs: number;
  /** Leave the pages in the instances at the end, for inspection. */
  keepPages: boolean;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** How long start() waits for every worker to load and reach its loop. */
const START_TIMEOUT_MS = 60_000;

const MIN_PAGE = 1024;
const MAX_PAGE = 65536;
const MAX_VPAGE = 0x7fffffff; // VPAGE is an Int32 word
const MIN_SLOT = 64;

interface Server {
  id: number;
  ctrl: Int32Array;
  data: Uint8Array;
  storage: Uint8Array;
  /** The page in each slot, or FREE_SLOT (the server's slot table, shared). */
  table: Int32Array;
  /** One-sided transport: the client's own allocation of the server's slots. */
  slots: SlotStore;
  /** Settles (never rejects) when the server's task ends. */
  done: Promise<void>;
  stats: ServerStats | null;
  /** Why the server can no longer be used (it died, or did not answer), or null. */
  failure: string | null;
  /** One-sided: the server crashed (crashServer) and its memory region went with it. */
  revoked: boolean;
}

/** One clear message per bad option; throws the first one found. */
export function validatePoolOptions(o: MemoryServerPoolOptions): void {
  if (!Number.isInteger(o.servers) || o.servers < 1) {
    throw new RangeError(`servers must be an integer >= 1, not ${o.servers}`);
  }
  const ps = o.pageSizeBytes;
  if (!Number.isInteger(ps) || ps < MIN_PAGE || ps > MAX_PAGE || (ps & (ps - 1)) !== 0) {
    throw new RangeError(`pageSizeBytes must be a power of two from 1024 to 65536, not ${ps}`);
  }
  if (!Number.isInteger(o.capacityBytes) || o.capacityBytes < ps) {
    throw new RangeError(`capacityBytes must be at least one page (${ps} bytes), not ${o.capacityBytes}`);
  }
  if (o.capacityBytes % ps !== 0) {
    throw new RangeError(`capacityBytes must be a whole number of ${ps}-byte pages, not ${o.capacityBytes}`);
  }
  const slot = o.slotBytes ?? ps;
  if (!Number.isInteger(slot) || slot < MIN_SLOT || slot > ps || (slot & (slot - 1)) !== 0) {
    throw new RangeError(`slotBytes must be a power of two from ${MIN_SLOT} to the page size (${ps}), not ${slot}`);
  }
  if (o.capacityBytes / slot > MAX_VPAGE) {
    throw new RangeError(`capacityBytes must be at most ${MAX_VPAGE} slots per server, not ${o.capacityBytes / slot}`);
  }
  for (const key of ["serverSpinMicros", "clientSpinMicros"] as const) {
    const v = o[key];
    if (v !== undefined && !(v >= 0 && v <= 1e6)) throw new RangeError(`${key} must be from 0 to 1000000 µs, not ${v}`);
  }
  if (o.transport !== undefined && !TRANSPORTS.includes(o.transport)) {
    throw new RangeError(`transport must be one of ${TRANSPORTS.join(", ")}, not ${o.transport}`);
  }
  if ((o.transport === "redis") !== (o.redis !== undefined)) {
    throw new RangeError("the redis transport, and only it, needs the instances' URLs");
  }
  if (o.redis !== undefined && o.redis.urls.length !== o.servers) {
    throw new RangeError(`servers (${o.servers}) must be the number of Redis URLs (${o.redis.urls.length})`);
  }
  if (o.timeoutMs !== undefined && !(o.timeoutMs > 0)) {
    throw new RangeError(`timeoutMs must be a positive number of milliseconds, not ${o.timeoutMs}`);
  }
}

/** Spin times for pools started without their own: `remora reproduce` sets 0 when it runs several
 *  jobs at once, since polling threads of two runs on two cores starve each other. */
export const poolDefaults = { serverSpinMicros: DEFAULT_SERVER_SPIN_MICROS, clientSpinMicros: DEFAULT_CLIENT_SPIN_MICROS };

export class MemoryServerPool {
  readonly servers: number;
  readonly pageSizeBytes: number;
  /** Whole pages each server can hold (more when they are stored compressed). */
  readonly capacityPages: number;
  readonly slotBytes: number;
  readonly transport: Transport;
  /** The redis transport: each server's instance, without passwords. */
  readonly urls: string[];

  private readonly clientSpinMs: number;
  private readonly timeoutMs: number;
  private readonly latency = new LatencyHistogram();
  private stopping: Promise<void> | null = null;
  private zeros: Uint8Array | undefined;

  private constructor(
    private readonly pool: Piscina<ServerTask, ServerStats>,
    private readonly list: Server[],
    private readonly block: Int32Array,
    options: MemoryServerPoolOptions,
  ) {
    this.servers = options.servers;
    this.pageSizeBytes = options.pageSizeBytes;
    this.capacityPages = options.capacityBytes / options.pageSizeBytes;
    this.slotBytes = options.slotBytes ?? options.pageSizeBytes;
    this.transport = options.transport ?? "one-sided";
    this.clientSpinMs = (options.clientSpinMicros ?? (options.redis ? 0 : poolDefaults.clientSpinMicros)) / 1000;
    // A Redis command that hangs fails in its proxy after connectTimeoutMs, which then answers.
    this.timeoutMs = options.timeoutMs ?? (options.redis ? options.redis.connectTimeoutMs + 1000 : DEFAULT_TIMEOUT_MS);
    this.urls = options.redis?.urls.map(redactUrl) ?? [];
  }

  static async start(options: MemoryServerPoolOptions): Promise<MemoryServerPool> {
    validatePoolOptions(options);
    const { servers, capacityBytes, pageSizeBytes } = options;
    const slotBytes = options.slotBytes ?? pageSizeBytes;
    const pool = new Piscina<ServerTask, ServerStats>({
      filename: packageModule(options.redis ? "host/servers/redis-worker" : "host/servers/server-worker").href,
      minThreads: servers,
      maxThreads: servers,
      idleTimeout: Infinity,
      execArgv: workerExecArgv(false),
    });
    // Piscina emits 'error' for a worker that fails with no task of ours on it (a spare thread
    // started after a crash); a server's own failure reaches its task's promise. Never let it
    // become an uncaught exception.
    pool.on("error", () => {});

    const list: Server[] = [];
    const block = new Int32Array(new SharedArrayBuffer(POOL_BYTES), 0, 1);
    block[SPINNER] = -1;
    try {
      for (let id = 0; id < servers; id++) {
        const channel = new SharedArrayBuffer(channelBytes(pageSizeBytes));
        let storage: SharedArrayBuffer;
        try {
          // A Redis instance keeps its pages itself.
          storage = new SharedArrayBuffer(options.redis ? 0 : capacityBytes);
        } catch (e) {
          throw new RangeError(`cannot allocate ${capacityBytes} bytes of storage for memory server ${id}: ${(e as Error).message}`);
        }
        const capacitySlots = capacityBytes / slotBytes;
        const slots = new SharedArrayBuffer(options.redis ? 0 : capacitySlots * 4);
        const table = new Int32Array(slots).fill(FREE_SLOT);
        const storageBytes = new Uint8Array(storage);
        const server: Server = {
          id,
          ctrl: new Int32Array(channel, 0, CONTROL_BYTES / 4),
          data: new Uint8Array(channel, CONTROL_BYTES, pageSizeBytes),
          storage: storageBytes,
          table,
          slots: new SlotStore(storageBytes, table, slotBytes, pageSizeBytes),
          done: Promise.resolve(),
          stats: null,
          failure: null,
          revoked: false,
        };
        const task: ServerTask = {
          channel, storage, slots, capacitySlots, slotBytes, pageSizeBytes, id,
          // Redis: nobody polls. The instance needs a core to answer, and a poller would take it
          // (on 2 loaded cores, polling on both sides moved 12 times fewer pages a second: bench/RESULTS.md).
          pool: block.buffer as SharedArrayBuffer, spinMicros: options.serverSpinMicros ?? (options.redis ? 0 : poolDefaults.serverSpinMicros),
          redis: options.redis && {
            url: options.redis.urls[id], keyPrefix: `remora:${options.redis.runId}:${id}:`,
            connectTimeoutMs: options.redis.connectTimeoutMs, keepPages: options.redis.keepPages,
          },
        };
        server.done = pool.run(task).then(
          (stats) => { server.stats = stats; server.failure ??= "it has stopped"; },
          (err: unknown) => {
            const why = err instanceof Error ? err.message : String(err);
            // A Redis proxy's error names its instance already.
            server.failure ??= options.redis ? why : `its thread died (${why})`;
          },
        );
        list.push(server);
      }

      // Every worker must load and reach its loop (STATE leaves STARTING), or fail.
      const deadline = performance.now() + START_TIMEOUT_MS;
      for (const server of list) {
        while (Atomics.load(server.ctrl, STATE) === State.STARTING && server.failure === null) {
          if (performance.now() > deadline) throw new Error(`memory server ${server.id} did not start within ${START_TIMEOUT_MS / 1000} s`);
          await new Promise((resolve) => setTimeout(resolve, 2));
        }
        if (server.failure !== null) {
          throw new Error(options.redis ? server.failure : `memory server ${server.id} failed to start: ${server.failure}`);
        }
      }
    } catch (e) {
      await pool.destroy().catch(() => {});
      throw e;
    }
    return new MemoryServerPool(pool, list, block, options);
  }

  /**
   * Stores page vpage on the server: bytes is the page, or its compressed form (1 to a page of
   * bytes). True if stored (replacing the copy it had, in the same slots), false if the server is
   * full and refused; it then keeps what it had.
   */
  pageOut(server: number, vpage: number, bytes: Uint8Array): boolean {
    return this.pageOutToSlot(server, vpage, bytes) >= 0;
  }

  /** pageOut that returns the storage slot the page went to (as slotOf would), or -1 when the
   *  server is full. */
  pageOutToSlot(server: number, vpage: number, bytes: Uint8Array): number {
    return this.storePage(server, vpage, bytes, true);
  }

  /** pageOutToSlot; `timed`: whether this transfer counts in roundTripMicros (a page that moves). */
  private storePage(server: number, vpage: number, bytes: Uint8Array, timed: boolean): number {
    const s = this.server(server);
    checkVpage(vpage);
    if (!(bytes.length >= 1 && bytes.length <= this.pageSizeBytes)) {
      throw new RangeError(`pageOut: a page is stored as 1 to ${this.pageSizeBytes} bytes, not ${bytes.length}`);
    }
    const t0 = performance.now();
    let result: number;
    if (this.transport === "one-sided") {
      result = s.slots.put(vpage, bytes);
    } else {
      s.data.set(bytes);
      s.ctrl[LENGTH] = bytes.length;
      result = this.request(s, Op.PAGE_OUT, vpage);
    }
    if (timed) this.latency.recordMicros((performance.now() - t0) * 1000);
    if (result >= 0) return result;
    if (result === Result.FULL) return -1;
    throw new Error(`memory server ${server} refused page-out of page ${vpage} (result ${result})`);
  }

  /** Stores a page of zeros as page vpage: pageOutToSlot of zeros, except that the one-sided
   *  transport copies nothing into a free slot, which is zero already (storage starts zeroed and
   *  a freed slot is zeroed before it is reused). A placement, not a page moved by a fault: it is
   *  not counted in roundTripMicros. */
  pageOutZeroToSlot(server: number, vpage: number): number {
    if (this.transport !== "one-sided") return this.storePage(server, vpage, (this.zeros ??= new Uint8Array(this.pageSizeBytes)), false);
    const s = this.server(server);
    checkVpage(vpage);
    // A page it holds already has bytes to overwrite; a new one gets free slots as they are.
    const bytes = s.slots.slotOf(vpage) !== undefined ? (this.zeros ??= new Uint8Array(this.pageSizeBytes)) : null;
    const result = s.slots.put(vpage, bytes);
    return result === Result.FULL ? -1 : result;
  }

  /**
   * Moves page vpage from the server into `into` (exactly one page): the server no longer holds
   * it afterwards. False if the server does not hold it (`into` is then untouched).
   */
  pageIn(server: number, vpage: number, into: Uint8Array): boolean {
    return this.pageInBytes(server, vpage, into) >= 0;
  }

  /** pageIn that returns the bytes the page was stored as (at the start of `into`: a page, or its
   *  compressed form), or -1 when the server does not hold it. */
  pageInBytes(server: number, vpage: number, into: Uint8Array): number {
    const s = this.server(server);
    checkVpage(vpage);
    if (into.length !== this.pageSizeBytes) {
      throw new RangeError(`pageIn: the page must be ${this.pageSizeBytes} bytes, not ${into.length}`);
    }
    const t0 = performance.now();
    let result: number;
    if (this.transport === "one-sided") {
      result = s.slots.take(vpage, into, false);
    } else {
      result = this.request(s, Op.PAGE_IN, vpage);
      if (result === Result.OK) {
        result = s.ctrl[LENGTH];
        into.set(s.data.subarray(0, result));
      }
    }
    this.latency.recordMicros((performance.now() - t0) * 1000);
    if (result >= 0) return result;
    if (result === Result.NOT_HELD) return -1;
    throw new Error(`memory server ${server} refused page-in of page ${vpage} (result ${result})`);
  }

  /** The number of pages the server holds, as the server itself counts them. */
  pagesHeld(server: number): number {
    return this.request(this.server(server), Op.COUNT, 0);
  }

  /** The storage slot that holds page vpage on the server, or -1 if it does not hold it. */
  slotOf(server: number, vpage: number): number {
    const s = this.server(server);
    checkVpage(vpage);
    return this.request(s, Op.SLOT_OF, vpage);
  }

  /**
   * A view of the server's storage (slots of slotBytes; slot k at byte k * slotBytes), for
   * reading a page in place at the slot slotOf gives. Read it only between requests: the server
   * writes it while serving them. A slot freed by pageIn is zeroed by the time the server answers
   * its next request (one-sided: before pageIn returns).
   */
  storage(server: number): Uint8Array {
    this.checkIndex(server);
    if (this.transport === "redis") throw new Error("a Redis server's storage is reached with readRange and writeRange");
    return this.list[server].storage;
  }

  /** Redis: a single remote load of `into.length` bytes (at most 16) of page vpage from byte
   *  `offset` (GETRANGE); false if the server does not hold the page. */
  readRange(server: number, vpage: number, offset: number, into: Uint8Array): boolean {
    const s = this.rangeRequest(server, vpage, offset, into.length);
    if (this.request(s, Op.READ_RANGE, vpage) !== Result.OK) return false;
    into.set(s.data.subarray(0, into.length));
    return true;
  }

  /** Redis: a single remote store of `bytes` into page vpage at byte `offset` (SETRANGE). */
  writeRange(server: number, vpage: number, offset: number, bytes: Uint8Array): void {
    const s = this.rangeRequest(server, vpage, offset, bytes.length);
    s.data.set(bytes);
    const result = this.request(s, Op.WRITE_RANGE, vpage);
    if (result !== Result.OK) throw new Error(`memory server ${server} refused a store to page ${vpage} (result ${result})`);
  }

  private rangeRequest(server: number, vpage: number, offset: number, length: number): Server {
    const s = this.server(server);
    checkVpage(vpage);
    if (this.transport !== "redis") throw new Error("readRange and writeRange are for Redis servers: the others are read in place");
    if (!(Number.isInteger(offset) && offset >= 0 && length >= 1 && offset + length <= this.pageSizeBytes)) {
      throw new RangeError(`a range of page ${vpage} must lie inside it: ${length} bytes at ${offset}`);
    }
    s.ctrl[OFFSET] = offset;
    s.ctrl[LENGTH] = length;
    return s;
  }

  /** Real time of every page moved by pageIn/pageOut so far (or since resetRoundTrips), in µs: a
   *  request's round trip (two-sided), or the copy in place (one-sided); null when none moved. */
  roundTripMicros(): { p50: number; p99: number; count: number } | null {
    if (this.latency.count === 0) return null;
    return { p50: this.latency.quantileMicros(0.5), p99: this.latency.quantileMicros(0.99), count: this.latency.count };
  }

  resetRoundTrips(): void {
    this.latency.reset();
  }

  /** What each server reported when it stopped (null for one that crashed or has not stopped). */
  serverStats(): (ServerStats | null)[] {
    return this.list.map((s) => s.stats);
  }

  /**
   * Ends one server's thread abruptly, as a crash would: its pages are lost and every later
   * request to it throws. For testing how failures are handled.
   */
  async killServer(server: number): Promise<void> {
    this.checkIndex(server);
    const s = this.list[server];
    const threadId = Atomics.load(s.ctrl, THREAD_ID);
    const worker = this.pool.threads.find((w) => w.threadId === threadId);
    if (worker) await worker.terminate();
    await s.done;
    s.failure ??= "it was killed";
  }

  /**
   * Crashes one server now, from inside a fault (--fail-server; synchronous: the fault handler
   * cannot await): its thread is terminated, and nothing tells the client. A two-sided request
   * to it then times out (timeoutMs). One-sided, the client reads and writes the server's storage
   * without its thread, as an RDMA NIC does: when the server machine dies, its memory region goes
   * with it and the next one-sided operation completes with an error (the queue pair's error
   * state). The storage here outlives the thread, so the region is revoked with the crash: the
   * next one-sided access throws. Either way the engine learns of it only from a request.
   */
  crashServer(server: number): void {
    this.checkIndex(server);
    const s = this.list[server];
    const threadId = Atomics.load(s.ctrl, THREAD_ID);
    const worker = this.pool.threads.find((w) => w.threadId === threadId);
    worker?.terminate().catch(() => {});
    if (this.transport === "one-sided") s.revoked = true;
  }

  /** Stops every server and the thread pool. Safe to call again, and after a server crashed. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const s of this.list) {
      if (s.failure !== null || Atomics.load(s.ctrl, STATE) === State.DEAD) continue;
      s.ctrl[OP] = Op.STOP;
      Atomics.store(s.ctrl, STATE, State.REQUEST);
      Atomics.notify(s.ctrl, STATE);
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.list.map((s) => s.done)),
      new Promise((resolve) => { timer = setTimeout(resolve, this.timeoutMs); }),
    ]);
    clearTimeout(timer);
    for (const s of this.list) s.failure ??= "the pool is stopped";
    await this.pool.destroy();
  }

  private checkIndex(server: number): void {
    if (!Number.isInteger(server) || server < 0 || server >= this.servers) {
      throw new RangeError(`no memory server ${server}: the pool has servers 0 to ${this.servers - 1}`);
    }
  }

  private server(server: number): Server {
    this.checkIndex(server);
    const s = this.list[server];
    if (this.stopping !== null) throw new Error(`memory server ${server} cannot serve: the pool is stopped`);
    if (s.failure !== null) throw new Error(`memory server ${server} cannot serve: ${s.failure}`);
    if (s.revoked && this.transport === "one-sided") {
      s.failure = "a one-sided access failed: its memory region is gone";
      throw new Error(`memory server ${server} cannot serve: ${s.failure}`);
    }
    return s;
  }

  /** Posts one request and waits for its answer: poll, then sleep; never past the timeout. */
  private request(s: Server, op: number, vpage: number): number {
    const ctrl = s.ctrl;
    if (this.block[SPINNER] !== s.id) Atomics.store(this.block, SPINNER, s.id); // the others stop polling
    ctrl[OP] = op;
    ctrl[VPAGE] = vpage;
    Atomics.store(ctrl, STATE, State.REQUEST);
    if (Atomics.load(ctrl, SERVER_SLEEPING) !== 0) Atomics.notify(ctrl, STATE, 1);

    let state: number = State.REQUEST;
    let last = performance.now();
    const spinUntil = last + this.clientSpinMs;
    for (let i = 1; ; i++) {
      state = Atomics.load(ctrl, STATE);
      if (state !== State.REQUEST) break;
      if ((i & 63) === 0) {
        const now = performance.now();
        if (now > spinUntil || now - last > PREEMPTED_MS) break; // out of time, or descheduled
        last = now;
      }
    }
    if (state === State.REQUEST) {
      Atomics.store(ctrl, CLIENT_SLEEPING, 1);
      const deadline = performance.now() + this.timeoutMs;
      for (;;) {
        state = Atomics.load(ctrl, STATE);
        if (state !== State.REQUEST) break;
        const left = deadline - performance.now();
        if (left <= 0) break;
        Atomics.wait(ctrl, STATE, State.REQUEST, Math.min(left, 1000));
      }
      Atomics.store(ctrl, CLIENT_SLEEPING, 0);
    }

    if (state === State.RESPONSE) {
      const result = ctrl[RESULT];
      if (result !== Result.FAILED) return result;
      // A Redis proxy's instance failed: its answer says how, naming the instance.
      s.failure = new TextDecoder().decode(s.data.slice(0, ctrl[LENGTH]));
      throw new Error(s.failure);
    }
    if (state === State.REQUEST) {
      s.failure = `it did not answer within ${this.timeoutMs / 1000} s`;
      throw new Error(`memory server ${s.id} did not answer within ${this.timeoutMs / 1000} s`);
    }
    s.failure ??= "its thread died";
    throw new Error(`memory server ${s.id} cannot serve: ${s.failure}`);
  }
}

function checkVpage(vpage: number): void {
  if (!Number.isInteger(vpage) || vpage < 0 || vpage > MAX_VPAGE) {
    throw new RangeError(`vpage must be an integer from 0 to ${MAX_VPAGE}, not ${vpage}`);
  }
}

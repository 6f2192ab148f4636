// The memory engine (Anemone): between the client and its memory servers. It keeps the map of
// where every non-resident page lives, places page-outs across servers, falls back to the disk
// when every server is full, and models the network path of each request:
//
//   page-out     client --page--> engine --page--> server
//   page-in      client --req---> engine --req---> server --page--> engine --page--> client   (via-engine)
//                                                  server --page------------------> client   (direct)
//   cache hit    client --req---> engine --page--> client                                     (engine cache)
//
// With no engine (Markatos'96: the client's own pager keeps the map and talks to the servers):
//   page-out     client --page--> server
//   page-in      client --req---> server --page--> client
//
// Each arrow is one hop: a FIFO pipe per direction (host/links/link.ts), so a page-in request
// queues behind the write-back sent just before it. The engine cache is modelled: it decides
// where the modelled reply comes from, while the page's bytes always travel from the server
// thread that holds them, so the server counts stay exact.
//
// A page travels and is kept as the bytes it is stored as: the page, or its compressed form
// (--compress, host/compression/): the wire carries, and the servers hold, that many bytes.

//
// With --redundancy or --fail-server (resilient mode, below the class's first half) each page is
// kept as fragments on distinct servers (redundancy.ts), and a server that fails is noticed from
// a request that throws (an error, a timeout), never from the injector's own flag; its pages'
// lost fragments are rebuilt on the survivors, and a page that cannot be rebuilt ends the run
// (PageLostError: no result is ever printed from a page that was lost).

import { LinkPipe, type LinkModel } from "../links/link.ts";
import type { MemoryServerPool } from "../servers/pool.ts";
import { PLACEMENTS, type PlacementState } from "./placement.ts";
import { MAX_FRAGMENTS, REQUEST_BYTES, type Redundancy } from "./redundancy.ts";

export { REQUEST_BYTES };

export type ReplyPath = "via-engine" | "direct";

export interface MemoryEngineOptions {
  link: LinkModel;
  placement: string;
  reply: ReplyPath;
  /** False: the client pages straight to the servers (no engine hop, no engine cache). */
  viaEngine: boolean;
  engineCachePages: number;
  pageSizeBytes: number;
  /** Resilient mode: how pages are kept (replicate:1 is none's one copy, with failures noticed). */
  redundancy?: Redundancy;
  /** The policy's name, for the message of a lost page. */
  policy?: string;
  /** Called after each page transfer with how many there have been (the fault injector). */
  afterTransfer?: (transfers: number) => void;
  /** Tests: each page as it is stored, and each page rebuilt after a failure (stored bytes). */
  debug?: ResilienceDebug;
}

export interface ResilienceDebug {
  /** A page as it is stored (a page-out), as it comes back (a page-in from a server), and as it
   *  was rebuilt after a failure: the stored bytes each time. */
  onStore?(vpage: number, stored: Uint8Array): void;
  onLoad?(vpage: number, stored: Uint8Array): void;
  onRecover?(vpage: number, stored: Uint8Array): void;
}

/** A page that no server can give back: the run cannot go on (the command line exits 4). */
export class PageLostError extends Error {
  constructor(readonly vpage: number, readonly server: number, why: string, redundancy: string, policy: string, left: number, needed: number, fragments: number) {
    super(`page ${vpage} is lost: memory server ${server} failed (${why}), and ${policy} with --redundancy ${redundancy} `
      + (fragments === 1 ? "kept no other copy" : `has ${left} of its ${fragments} ${redundancy.startsWith("ec") ? "fragments" : "copies"} left, ${needed} needed`));
    this.name = "PageLostError";
  }
}

/** serverOf's entry for a page the engine does not have, and for one on the engine's disk. */
const NOWHERE = -1;
const ON_DISK = -2;

/** What the engine needs of the memory servers (a MemoryServerPool): where to put a page, where
 *  to get it back from. */
export type PageServers = Pick<MemoryServerPool, "servers" | "pageOutToSlot" | "pageOutZeroToSlot" | "pageInBytes">;

/** The disk the engine falls back to (a SwapDevice). */
export interface SpillStore {
  write(vpage: number, bytes: Uint8Array, nowMicros: number): number;
  /** Fills the start of `into` with the bytes written. */
  read(vpage: number, into: Uint8Array, nowMicros: number): number | null;
}

export class MemoryEngine {
  /** Where each page is, by vpage (typed arrays, grown as needed: a one-sided access looks here
   *  every time): its server, NOWHERE or ON_DISK; and its slot there, from its page-out's answer. */
  private serverOf = new Int32Array(0);
  private slotOf = new Int32Array(0);
  /** Bytes each page is stored as (a page, or fewer when compressed). */
  private bytesOf = new Int32Array(0);
  private readonly state: PlacementState;
  private readonly clientToEngine: LinkPipe;
  private readonly engineToClient: LinkPipe;
  private readonly engineToServer: LinkPipe[];
  private readonly serverToEngine: LinkPipe[];
  private readonly serverToClient: LinkPipe[];
  private readonly clientToServer: LinkPipe[];
  /** The engine cache: pages in least- to most-recently paged-out order. */
  private readonly cache = new Set<number>();
  cacheLookups = 0;
  cacheHits = 0;
  /** Payload bytes that crossed the client's own link. */
  networkBytes = 0;
  pagesOnDisk = 0;
  /** Bytes the servers hold now (every copy and fragment), and the most they held at once. */
  remoteBytes = 0;
  remoteBytesPeak = 0;
  // Resilient mode:
  /** The server of each fragment of each page on servers (-1: lost or taken). */
  private readonly holders = new Map<number, Int32Array>();
  private readonly failed: boolean[];
  /** Resilient mode: bytes each server holds (a failed server's are gone with it). */
  private readonly remoteBytesOn: number[];
  private readonly failedWhy: string[];
  /** Page transfers so far (pageOut and pageIn calls): the clock of --fail-server. */
  transfers = 0;
  serverFailures = 0;
  pagesRecovered = 0;
  /** Redundancy's cost beyond none's on the client's link: µs not yet charged to a fault (see
   *  takeExtraMicros), and bytes and messages in all. */
  private extraMicros = 0;
  redundancyBytes = 0;
  redundancyMessages = 0;
  /** Rebuilding after failures, in the background: bytes moved and their modelled µs. */
  recoveryBytes = 0;
  recoveryMicros = 0;
  private scratch: Uint8Array[] = [];
  private readonly pageScratch: Uint8Array;

  constructor(private pool: PageServers, private spill: SpillStore, private options: MemoryEngineOptions) {
    if (!(options.placement in PLACEMENTS)) throw new Error(`unknown placement "${options.placement}"`);
    const servers = pool.servers;
    this.state = { held: new Array(servers).fill(0), full: new Array(servers).fill(false), placed: 0 };
    const pipes = () => Array.from({ length: servers }, () => new LinkPipe(options.link));
    this.clientToEngine = new LinkPipe(options.link);
    this.engineToClient = new LinkPipe(options.link);
    this.engineToServer = pipes();
    this.serverToEngine = pipes();
    this.serverToClient = pipes();
    this.clientToServer = pipes();
    this.failed = new Array(servers).fill(false);
    this.remoteBytesOn = new Array(servers).fill(0);
    this.failedWhy = new Array(servers).fill("");
    this.pageScratch = new Uint8Array(options.pageSizeBytes);
  }

  /** Whether pages are kept by the resilient path (--redundancy, --fail-server). */
  get resilient(): boolean {
    return this.options.redundancy !== undefined;
  }

  /** Stores a page evicted from the client (bytes: the page, or its compressed form); returns when
   *  it has arrived where it is kept. */
  pageOut(vpage: number, bytes: Uint8Array, now: number): number {
    if (this.options.redundancy !== undefined) return this.resilientPageOut(vpage, bytes, now, this.options.redundancy);
    const page = bytes.length;
    this.networkBytes += page;
    const viaEngine = this.options.viaEngine;
    const atEngine = viaEngine ? this.clientToEngine.send(now, page) : now;
    for (const s of PLACEMENTS[this.options.placement](this.state)) {
      if (this.state.full[s]) continue;
      const slot = this.pool.pageOutToSlot(s, vpage, bytes);
      if (slot >= 0) {
        this.remember(vpage);
        this.place(vpage, s, slot, page);
        this.state.held[s]++;
        this.state.placed++;
        return (viaEngine ? this.engineToServer : this.clientToServer)[s].send(atEngine, page);
      }
      this.state.full[s] = true;
    }
    // Every server is full: the engine writes the page to its disk. Nothing is lost. The cache
    // keeps only pages on their way to a server: one that went to disk is served from disk.
    this.cache.delete(vpage);
    this.place(vpage, ON_DISK, 0, page);
    this.pagesOnDisk++;
    return this.spill.write(vpage, bytes, atEngine);
  }

  /** Bytes page vpage is stored as, while the engine has it: what pageIn will put in `into`. */
  storedBytes(vpage: number): number {
    return this.bytesOf[vpage];
  }

  /** Brings a page back to the client (into the start of `into`, a page: storedBytes of it), or
   *  returns null if the engine never had it. */
  pageIn(vpage: number, into: Uint8Array, now: number): number | null {
    const s = vpage < this.serverOf.length ? this.serverOf[vpage] : NOWHERE;
    if (s === NOWHERE) return null;
    this.serverOf[vpage] = NOWHERE;
    const page = this.bytesOf[vpage];
    this.networkBytes += REQUEST_BYTES + page;
    const viaEngine = this.options.viaEngine;
    const atEngine = viaEngine ? this.clientToEngine.send(now, REQUEST_BYTES) : now;
    if (viaEngine) this.cacheLookups++;
    const redundancy = this.options.redundancy;
    let arrived: number;
    if (s === ON_DISK) {
      this.pagesOnDisk--;
      const read = this.spill.read(vpage, into, atEngine);
      if (read === null) throw new Error(`the memory engine's disk lost page ${vpage}`);
      arrived = viaEngine ? this.engineToClient.send(read, page) : read; // no engine: the client's own disk
    } else if (redundancy !== undefined) {
      arrived = this.resilientPageIn(vpage, into, now, atEngine, page, s, redundancy);
    } else {
      const got = this.pool.pageInBytes(s, vpage, into);
      if (got < 0) throw new Error(`memory server ${s} lost page ${vpage}`);
      if (got !== page) throw new Error(`memory server ${s} returned ${got} bytes of page ${vpage}, which was stored as ${page}`);
      this.remoteBytes -= page;
      this.state.held[s]--;
      this.state.full[s] = false;
      arrived = this.pageInPath(vpage, s, now, atEngine, page);
    }
    // Transfers are counted where failures are injected after the N-th: in resilient mode.
    if (redundancy !== undefined) this.transferDone();
    return arrived;
  }

  /** Gives a never-touched page a zeroed frame on a server, with no modelled transfer (the
   *  mapping is set up remotely); false when every server is full. */
  placeZero(vpage: number): boolean {
    for (const s of PLACEMENTS[this.options.placement](this.state)) {
      if (this.state.full[s]) continue;
      const slot = this.pool.pageOutZeroToSlot(s, vpage);
      if (slot >= 0) {
        this.place(vpage, s, slot, this.options.pageSizeBytes);
        this.state.held[s]++;
        this.state.placed++;
        return true;
      }
      this.state.full[s] = true;
    }
    return false;
  }

  /** Whether the engine has the page (on a server or on its disk). */
  holds(vpage: number): boolean {
    return vpage >= 0 && vpage < this.serverOf.length && this.serverOf[vpage] !== NOWHERE;
  }

  /** Whether the page is on a server (not on the engine's disk, not local). */
  onServer(vpage: number): boolean {
    return vpage < this.serverOf.length && this.serverOf[vpage] >= 0;
  }

  /** The server of a page on a server, for one-sided accesses; negative (or undefined beyond
   *  every page the engine has had) when it is not on one. */
  serverOfPage(vpage: number): number {
    return this.serverOf[vpage];
  }

  /** The storage slot of a page on a server (see onServer), for one-sided accesses. */
  slotOfPage(vpage: number): number {
    return this.slotOf[vpage];
  }

  /** Pages each server holds, as the engine's map says. */
  heldByServer(): number[] {
    return [...this.state.held];
  }

  get cacheHitRate(): number | null {
    return this.options.engineCachePages > 0 && this.cacheLookups > 0 ? this.cacheHits / this.cacheLookups : null;
  }

  /** A page-in's request and reply from server `s`, as the model has them: straight back (no
   *  engine), from the engine's cache, or from the server via the engine or directly. Returns
   *  when the page arrives at the client. */
  private pageInPath(vpage: number, s: number, now: number, atEngine: number, page: number): number {
    if (!this.options.viaEngine) return this.serverToClient[s].send(this.clientToServer[s].send(now, REQUEST_BYTES), page);
    // A hit is counted where the cache serves the page: the reply comes from the engine.
    if (this.cache.delete(vpage)) {
      this.cacheHits++;
      return this.engineToClient.send(atEngine, page);
    }
    const atServer = this.engineToServer[s].send(atEngine, REQUEST_BYTES);
    return this.options.reply === "direct"
      ? this.serverToClient[s].send(atServer, page)
      : this.engineToClient.send(this.serverToEngine[s].send(atServer, page), page);
  }

  private place(vpage: number, server: number, slot: number, bytes: number): void {
    this.grow(vpage);
    // A page stored again on a server replaces its copy there (the remote policies' displaced pages).
    if (!this.resilient) {
      if (this.serverOf[vpage] >= 0) this.remoteBytes -= this.bytesOf[vpage];
      if (server >= 0) this.addRemote(bytes);
    }
    this.serverOf[vpage] = server;
    this.slotOf[vpage] = slot;
    this.bytesOf[vpage] = bytes;
  }

  private addRemote(bytes: number, server = -1): void {
    if (server >= 0) this.remoteBytesOn[server] += bytes;
    this.remoteBytes += bytes;
    if (this.remoteBytes > this.remoteBytesPeak) this.remoteBytesPeak = this.remoteBytes;
  }

  private grow(vpage: number): void {
    if (vpage >= this.serverOf.length) {
      const length = Math.max(vpage + 1, this.serverOf.length * 2, 1024);
      const servers = new Int32Array(length).fill(NOWHERE);
      servers.set(this.serverOf);
      const slots = new Int32Array(length);
      slots.set(this.slotOf);
      const sizes = new Int32Array(length);
      sizes.set(this.bytesOf);
      this.serverOf = servers;
      this.slotOf = slots;
      this.bytesOf = sizes;
    }
  }

  // ---- Resilient mode: fragments on distinct servers, failures noticed and repaired ----

  /** A fragment's key on its server: the page and the fragment's number. */
  private static key(vpage: number, fragment: number): number {
    return vpage * MAX_FRAGMENTS + fragment;
  }

  /** The µs of redundancy not yet charged to a fault; the engine adds them to the fault's stall
   *  after the page's own path, so that they are exactly the difference from none. */
  takeExtraMicros(): number {
    const extra = this.extraMicros;
    this.extraMicros = 0;
    return extra;
  }

  private charge(extra: { micros: number; bytes: number; messages: number }): void {
    this.extraMicros += extra.micros;
    this.redundancyBytes += extra.bytes;
    this.redundancyMessages += extra.messages;
  }

  private transferDone(): void {
    this.transfers++;
    this.options.afterTransfer?.(this.transfers);
  }

  /** Servers to try for a new fragment, in the placement's order: neither failed nor full, nor
   *  holding one of `taken`. */
  private candidates(taken: ArrayLike<number>): number[] {
    const used = new Set(Array.from(taken));
    return PLACEMENTS[this.options.placement](this.state).filter((s) => !this.failed[s] && !this.state.full[s] && !used.has(s));
  }

  /** Stores fragment `i` of vpage on the first of `servers` that takes it; returns that server,
   *  or -1 when none does (each full one marked full, each failed one noticed). */
  private storeFragment(vpage: number, i: number, bytes: Uint8Array, servers: number[]): number {
    for (const s of servers) {
      if (this.failed[s] || this.state.full[s]) continue;
      let slot: number;
      try {
        slot = this.pool.pageOutToSlot(s, MemoryEngine.key(vpage, i), bytes);
      } catch (e) {
        this.noticeFailure(s, e);
        continue;
      }
      if (slot >= 0) {
        this.addRemote(bytes.length, s);
        return s;
      }
      this.state.full[s] = true;
    }
    return -1;
  }

  /** Takes fragment i of vpage off server s into the start of `into` (a page); its length, or
   *  -1 when the server failed (noticed). */
  private takeFragment(vpage: number, i: number, s: number, into: Uint8Array, expected: number): number {
    let got: number;
    try {
      got = this.pool.pageInBytes(s, MemoryEngine.key(vpage, i), into);
    } catch (e) {
      this.noticeFailure(s, e);
      return -1;
    }
    if (got < 0) throw new Error(`memory server ${s} lost fragment ${i} of page ${vpage}`);
    if (got !== expected) throw new Error(`memory server ${s} returned ${got} bytes of fragment ${i} of page ${vpage}, which was stored as ${expected}`);
    this.remoteBytes -= got;
    this.remoteBytesOn[s] -= got;
    if (!this.failed[s]) this.state.full[s] = false;
    return got;
  }

  /** n buffers of a page each, reused by page-ins (which never run inside one another; repairs,
   *  which can, have their own). */
  private buffers(n: number): Uint8Array[] {
    while (this.scratch.length < n) this.scratch.push(new Uint8Array(this.options.pageSizeBytes));
    return this.scratch;
  }

  private resilientPageOut(vpage: number, bytes: Uint8Array, now: number, redundancy: Redundancy): number {
    const page = bytes.length;
    this.networkBytes += page;
    const viaEngine = this.options.viaEngine;
    const atEngine = viaEngine ? this.clientToEngine.send(now, page) : now;
    this.options.debug?.onStore?.(vpage, bytes);
    const fragments = redundancy.split(bytes);
    const holders = new Int32Array(redundancy.fragments).fill(-1);
    let stored = 0;
    for (let i = 0; i < fragments.length; i++) {
      let s = this.storeFragment(vpage, i, fragments[i], this.candidates(holders));
      // Fewer live servers than fragments (after failures): a code's fragments share servers,
      // so the page still survives any one failure; copies need distinct servers, so there are
      // fewer of them.
      if (s < 0 && redundancy.spec.kind === "ec") s = this.storeFragment(vpage, i, fragments[i], this.candidates([]));
      if (s < 0) break;
      holders[i] = s;
      stored++;
    }
    let arrived: number;
    if (stored === holders.length || (redundancy.spec.kind === "replicate" && stored > 0)) {
      this.remember(vpage);
      const home = holders[0];
      this.place(vpage, home, 0, page);
      this.holders.set(vpage, holders);
      this.state.held[home]++;
      this.state.placed++;
      this.charge(redundancy.pageOutExtra(page));
      arrived = (viaEngine ? this.engineToServer : this.clientToServer)[home].send(atEngine, page);
    } else {
      // Too few servers take it: the fragments stored go back, and the page goes to the engine's
      // disk whole, as none's does when every server is full.
      for (let i = 0; i < holders.length && holders[i] >= 0; i++) this.takeFragment(vpage, i, holders[i], this.pageScratch, fragments[i].length);
      this.cache.delete(vpage);
      this.place(vpage, ON_DISK, 0, page);
      this.pagesOnDisk++;
      arrived = this.spill.write(vpage, bytes, atEngine);
    }
    this.transferDone();
    return arrived;
  }

  /** A page-in from the servers in resilient mode: the fastest sufficient set of its copies or
   *  fragments, the rest freed; the page lost (PageLostError) when too few are left. */
  private resilientPageIn(vpage: number, into: Uint8Array, now: number, atEngine: number, page: number, s: number, redundancy: Redundancy): number {
    // Out of the map first: a failure noticed while reading it rebuilds the other pages only.
    const holders = this.holders.get(vpage)!;
    this.holders.delete(vpage);
    const f = redundancy.fragmentBytes(page);
    const buffers = this.buffers(holders.length);
    const present = new Array<boolean>(holders.length).fill(false);
    let got = 0;
    let from = -1;
    let lostOn = -1;
    // Data fragments (or copies) first: with all of them no decoding is needed.
    for (let i = 0; i < holders.length && got < redundancy.needed; i++) {
      const h = holders[i];
      if (h < 0) continue;
      holders[i] = -1;
      if (this.failed[h] || this.takeFragment(vpage, i, h, buffers[i], f) < 0) {
        lostOn = h;
        continue;
      }
      present[i] = true;
      got++;
      if (from < 0) from = h;
    }
    if (got < redundancy.needed) {
      const server = lostOn >= 0 ? lostOn : s;
      throw new PageLostError(vpage, server, this.failedWhy[server] || "it lost the page", redundancy.name, this.options.policy ?? "the policy",
        got, redundancy.needed, redundancy.fragments);
    }
    // The other copies or fragments are freed: a request each.
    let others = 0;
    for (let i = 0; i < holders.length; i++) {
      const h = holders[i];
      if (h < 0 || this.failed[h]) continue;
      if (this.takeFragment(vpage, i, h, this.pageScratch, f) >= 0) others++;
    }
    const decoded = redundancy.spec.kind === "ec" ? present.slice(0, redundancy.needed).filter((p) => !p).length : 0;
    redundancy.join(buffers, present, page, into);
    this.options.debug?.onLoad?.(vpage, into.subarray(0, page));
    this.charge(redundancy.pageInExtra(page, others, decoded));
    this.state.held[s]--;
    if (!this.failed[s]) this.state.full[s] = false;
    // none's path, from the server the page came from (its home unless that one failed).
    return this.pageInPath(vpage, from, now, atEngine, page);
  }

  /**
   * Server s failed a request (it threw: an error, a timeout). From now on nothing is placed
   * there, and every page that had a copy or fragment there gets it back on a survivor, rebuilt
   * from the others (in the background: the recovery's traffic is modelled and reported, the
   * program does not wait for it). A page left with too few ends the run.
   */
  private noticeFailure(s: number, error: unknown): void {
    if (this.failed[s]) return;
    this.failed[s] = true;
    // The request's error, without the server's name (the message names it): "cannot serve: ...",
    // "did not answer within 10 s", or a Redis instance's URL and what its connection said.
    this.failedWhy[s] = (error instanceof Error ? error.message : String(error)).replace(/^memory server \d+ (\(([^)]*)\): )?/, (_, _all, url) => (url ? `${url}: ` : ""));
    this.state.full[s] = true;
    this.serverFailures++;
    this.remoteBytes -= this.remoteBytesOn[s];
    this.remoteBytesOn[s] = 0;
    const redundancy = this.options.redundancy!;
    for (const [vpage, holders] of this.holders) {
      let lostHere = false;
      for (let i = 0; i < holders.length; i++) {
        if (holders[i] === s) {
          holders[i] = -1;
          lostHere = true;
        }
      }
      if (!lostHere) continue;
      this.repair(vpage, holders, s, redundancy);
    }
  }

  /** Rebuilds the lost fragments of a page (holders[i] < 0) from the ones left. */
  private repair(vpage: number, holders: Int32Array, failedServer: number, redundancy: Redundancy): void {
    const page = this.bytesOf[vpage];
    const f = redundancy.fragmentBytes(page);
    // Buffers of its own: reading a fragment can notice another failure, whose repairs run
    // inside this one (the page-in's shared buffers would be overwritten under it).
    const buffers = Array.from({ length: holders.length }, () => new Uint8Array(this.options.pageSizeBytes));
    const present = new Array<boolean>(holders.length).fill(false);
    let got = 0;
    // Read enough of what is left, and put each back where it was.
    for (let i = 0; i < holders.length && got < redundancy.needed; i++) {
      const h = holders[i];
      if (h < 0 || this.failed[h]) continue;
      if (this.takeFragment(vpage, i, h, buffers[i], f) < 0) {
        holders[i] = -1;
        continue;
      }
      const back = this.storeFragment(vpage, i, buffers[i].subarray(0, f), [h]);
      if (back < 0) holders[i] = -1;
      else {
        present[i] = true;
        got++;
      }
    }
    if (got < redundancy.needed) {
      const left = Array.from(holders).filter((h) => h >= 0 && !this.failed[h]).length;
      throw new PageLostError(vpage, failedServer, this.failedWhy[failedServer], redundancy.name, this.options.policy ?? "the policy",
        left, redundancy.needed, redundancy.fragments);
    }
    const views = buffers.slice(0, holders.length).map((b) => b.subarray(0, f));
    redundancy.rebuild(views, present);
    let rebuilt = 0;
    for (let i = 0; i < holders.length; i++) {
      if (present[i] || holders[i] >= 0) continue;
      // A server without a fragment of the page; for a code, if there is none, one that has (it
      // then survives fewer failures, but any single one still); copies need distinct servers.
      let target = this.storeFragment(vpage, i, views[i], this.candidates(holders));
      if (target < 0 && redundancy.spec.kind === "ec") target = this.storeFragment(vpage, i, views[i], this.candidates([]));
      if (target < 0) continue;
      holders[i] = target;
      rebuilt++;
      if (i === 0) {
        // The page's home moves with its first fragment.
        this.state.held[this.serverOf[vpage]]--;
        this.state.held[target]++;
        this.serverOf[vpage] = target;
      }
    }
    this.pagesRecovered++;
    this.recoveryBytes += (got + rebuilt) * f;
    this.recoveryMicros += (got + rebuilt) * redundancy.messageMicros(f) + got * redundancy.messageMicros(REQUEST_BYTES)
      + redundancy.codingMicros(rebuilt, page);
    if (this.options.debug?.onRecover) {
      const stored = new Uint8Array(page);
      redundancy.join(views, views.map(() => true), page, stored);
      this.options.debug.onRecover(vpage, stored);
    }
  }

  /** Whether server s has been noticed failed. */
  hasFailed(s: number): boolean {
    return this.failed[s];
  }

  private remember(vpage: number): void {
    if (this.options.engineCachePages === 0 || !this.options.viaEngine) return;
    this.cache.delete(vpage);
    this.cache.add(vpage);
    if (this.cache.size > this.options.engineCachePages) {
      this.cache.delete(this.cache.values().next().value as number);
    }
  }
}

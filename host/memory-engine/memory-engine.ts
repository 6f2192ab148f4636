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

import { LinkPipe, type LinkModel } from "../links/link.ts";
import type { MemoryServerPool } from "../servers/pool.ts";
import { PLACEMENTS, type PlacementState } from "./placement.ts";

/** Bytes of a request message: page number, operation, client id (and framing). */
export const REQUEST_BYTES = 64;

export type ReplyPath = "via-engine" | "direct";

export interface MemoryEngineOptions {
  link: LinkModel;
  placement: string;
  reply: ReplyPath;
  /** False: the client pages straight to the servers (no engine hop, no engine cache). */
  viaEngine: boolean;
  engineCachePages: number;
  pageSizeBytes: number;
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
  }

  /** Stores a page evicted from the client (bytes: the page, or its compressed form); returns when
   *  it has arrived where it is kept. */
  pageOut(vpage: number, bytes: Uint8Array, now: number): number {
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
    let arrived: number;
    if (s === ON_DISK) {
      this.pagesOnDisk--;
      const read = this.spill.read(vpage, into, atEngine);
      if (read === null) throw new Error(`the memory engine's disk lost page ${vpage}`);
      arrived = viaEngine ? this.engineToClient.send(read, page) : read; // no engine: the client's own disk
    } else {
      const got = this.pool.pageInBytes(s, vpage, into);
      if (got < 0) throw new Error(`memory server ${s} lost page ${vpage}`);
      if (got !== page) throw new Error(`memory server ${s} returned ${got} bytes of page ${vpage}, which was stored as ${page}`);
      this.state.held[s]--;
      this.state.full[s] = false;
      // A hit is counted where the cache serves the page: the reply comes from the engine.
      const cached = viaEngine && this.cache.delete(vpage);
      if (cached) this.cacheHits++;
      if (!viaEngine) {
        arrived = this.serverToClient[s].send(this.clientToServer[s].send(now, REQUEST_BYTES), page);
      } else if (cached) {
        arrived = this.engineToClient.send(atEngine, page);
      } else {
        const atServer = this.engineToServer[s].send(atEngine, REQUEST_BYTES);
        arrived = this.options.reply === "direct"
          ? this.serverToClient[s].send(atServer, page)
          : this.engineToClient.send(this.serverToEngine[s].send(atServer, page), page);
      }
    }
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

  private place(vpage: number, server: number, slot: number, bytes: number): void {
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
    this.serverOf[vpage] = server;
    this.slotOf[vpage] = slot;
    this.bytesOf[vpage] = bytes;
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

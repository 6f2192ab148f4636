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

/** Where a non-resident page lives. */
/** Where a page is: on a server, in the slot its page-out answered with; or on the engine's disk. */
type Location = { server: number; slot: number } | { disk: true };

/** The disk the engine falls back to (a SwapDevice). */
export interface SpillStore {
  write(vpage: number, bytes: Uint8Array, nowMicros: number): number;
  read(vpage: number, into: Uint8Array, nowMicros: number): number | null;
}

export class MemoryEngine {
  private readonly where = new Map<number, Location>();
  private readonly state: PlacementState;
  private readonly clientToEngine: LinkPipe;
  private readonly engineToClient: LinkPipe;
  private readonly engineToServer: LinkPipe[];
  private readonly serverToEngine: LinkPipe[];
  private readonly serverToClient: LinkPipe[];
  private readonly clientToServer: LinkPipe[];
  /** The engine cache: pages in least- to most-recently paged-out order. */
  private readonly cache = new Set<number>();
  /** The page placeZero sends: zeros, allocated once. */
  private zeros: Uint8Array | undefined;
  cacheLookups = 0;
  cacheHits = 0;
  /** Payload bytes that crossed the client's own link. */
  networkBytes = 0;
  pagesOnDisk = 0;

  constructor(private pool: MemoryServerPool, private spill: SpillStore, private options: MemoryEngineOptions) {
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

  /** Stores a page evicted from the client; returns when it has arrived where it is kept. */
  pageOut(vpage: number, bytes: Uint8Array, now: number): number {
    const page = this.options.pageSizeBytes;
    this.networkBytes += page;
    const viaEngine = this.options.viaEngine;
    const atEngine = viaEngine ? this.clientToEngine.send(now, page) : now;
    this.remember(vpage);
    for (const s of PLACEMENTS[this.options.placement](this.state)) {
      if (this.state.full[s]) continue;
      const slot = this.pool.pageOutToSlot(s, vpage, bytes);
      if (slot >= 0) {
        this.where.set(vpage, { server: s, slot });
        this.state.held[s]++;
        this.state.placed++;
        return (viaEngine ? this.engineToServer : this.clientToServer)[s].send(atEngine, page);
      }
      this.state.full[s] = true;
    }
    // Every server is full: the engine writes the page to its disk. Nothing is lost.
    this.where.set(vpage, { disk: true });
    this.pagesOnDisk++;
    return this.spill.write(vpage, bytes, atEngine);
  }

  /** Brings a page back to the client, or returns null if the engine never had it. */
  pageIn(vpage: number, into: Uint8Array, now: number): number | null {
    const location = this.where.get(vpage);
    if (location === undefined) return null;
    this.where.delete(vpage);
    const page = this.options.pageSizeBytes;
    this.networkBytes += REQUEST_BYTES + page;
    const viaEngine = this.options.viaEngine;
    const atEngine = viaEngine ? this.clientToEngine.send(now, REQUEST_BYTES) : now;
    const cached = viaEngine && this.cache.delete(vpage);
    if (viaEngine) this.cacheLookups++;
    if (cached) this.cacheHits++;
    let arrived: number;
    if ("disk" in location) {
      this.pagesOnDisk--;
      const read = this.spill.read(vpage, into, atEngine);
      if (read === null) throw new Error(`the memory engine's disk lost page ${vpage}`);
      arrived = viaEngine ? this.engineToClient.send(read, page) : read; // no engine: the client's own disk
    } else {
      const s = location.server;
      if (!this.pool.pageIn(s, vpage, into)) throw new Error(`memory server ${s} lost page ${vpage}`);
      this.state.held[s]--;
      this.state.full[s] = false;
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
    this.zeros ??= new Uint8Array(this.options.pageSizeBytes);
    for (const s of PLACEMENTS[this.options.placement](this.state)) {
      if (this.state.full[s]) continue;
      const slot = this.pool.pageOutToSlot(s, vpage, this.zeros);
      if (slot >= 0) {
        this.where.set(vpage, { server: s, slot });
        this.state.held[s]++;
        this.state.placed++;
        return true;
      }
      this.state.full[s] = true;
    }
    return false;
  }

  /** Whether the page is on a server (not on the engine's disk, not local). */
  onServer(vpage: number): boolean {
    const location = this.where.get(vpage);
    return location !== undefined && "server" in location;
  }

  /** The server and storage slot of a page, for one-sided accesses. */
  locate(vpage: number): { readonly server: number; readonly slot: number } {
    const location = this.where.get(vpage);
    if (location === undefined || !("server" in location)) throw new Error(`page ${vpage} is not on a memory server`);
    return location;
  }

  /** Pages each server holds, as the engine's map says. */
  heldByServer(): number[] {
    return [...this.state.held];
  }

  get cacheHitRate(): number | null {
    return this.options.engineCachePages > 0 && this.cacheLookups > 0 ? this.cacheHits / this.cacheLookups : null;
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

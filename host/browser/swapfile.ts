// Browser twin of host/swapfile.ts: a browser has no file to swap to, so the swap "file" is pages
// kept in memory. Only the bytes' home changes: the modelled disk time comes from
// host/swap-device.ts and the disk models, the same code as on the command line.
import type * as Node from "../swapfile.ts";

export const SWAP_CACHE_BYTES = 0;

export class SwapFile implements Pick<Node.SwapFile, "has" | "write" | "read" | "close" | "pagesStored" | "pagesOnFile"> {
  private readonly pages = new Map<number, Uint8Array>();

  constructor(private readonly pageSize: number, _dir?: string, _cacheBytes?: number) {}

  has(vpage: number): boolean {
    return this.pages.has(vpage);
  }

  /** Stores a page, or its compressed form (fewer bytes, at the start of its slot). */
  write(vpage: number, bytes: Uint8Array): void {
    let slot = this.pages.get(vpage);
    if (slot === undefined) this.pages.set(vpage, (slot = new Uint8Array(this.pageSize)));
    slot.set(bytes);
  }

  read(vpage: number, into: Uint8Array): void {
    const slot = this.pages.get(vpage);
    if (slot === undefined) throw new Error(`swap: page ${vpage} was never written`);
    into.set(into.length === slot.length ? slot : slot.subarray(0, into.length));
  }

  get pagesStored(): number {
    return this.pages.size;
  }

  get pagesOnFile(): number {
    return this.pages.size;
  }

  close(): void {
    this.pages.clear();
  }
}

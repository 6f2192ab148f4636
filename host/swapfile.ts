// A swap file on the real disk: page vpage lives at byte vpage * pageSize (the file is sparse).
// It is unlinked as soon as it is open, so nothing is left behind, even after a crash.
//
// In front of it, a write-behind cache of the most recently written pages (the operating system's
// page cache does the same for a real swap file): a page-out is a copy into the cache, a page-in
// of a cached page a copy out of it, and only pages pushed out of the cache cost a system call.
// This is the emulator's own speed; the modelled disk time (host/swap-device.ts) is the same
// either way.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Bytes of swap cache per swap file. */
export const SWAP_CACHE_BYTES = 64 * 2 ** 20;
const SLAB_PAGES = 256;

let serial = 0;

export class SwapFile {
  private fd: number;
  /** Pages whose latest bytes are in the file. */
  private onFile = new Set<number>();
  /** Pages whose latest bytes are only here, least recently written first. */
  private cache = new Map<number, Uint8Array>();
  private spare: Uint8Array[] = [];
  private slab = new ArrayBuffer(0);
  private slabUsed = SLAB_PAGES;
  private readonly cachePages: number;

  constructor(private pageSize: number, dir = tmpdir(), cacheBytes = SWAP_CACHE_BYTES) {
    const path = join(dir, `remora-${process.pid}-${serial++}.swap`);
    this.fd = openSync(path, "w+");
    unlinkSync(path);
    this.cachePages = Math.max(0, Math.floor(cacheBytes / pageSize));
  }

  has(vpage: number): boolean {
    return this.cache.has(vpage) || this.onFile.has(vpage);
  }

  /** Stores a page, or its compressed form (fewer bytes, at the start of its slot). */
  write(vpage: number, bytes: Uint8Array): void {
    if (this.cachePages === 0) {
      this.writeToFile(vpage, bytes);
      return;
    }
    let copy = this.cache.get(vpage);
    if (copy) this.cache.delete(vpage);
    else copy = this.spare.pop() ?? this.newPage();
    copy.set(bytes);
    this.cache.set(vpage, copy);
    this.onFile.delete(vpage);
    if (this.cache.size > this.cachePages) {
      const [oldest, page] = this.cache.entries().next().value as [number, Uint8Array];
      this.writeToFile(oldest, page);
      this.cache.delete(oldest);
      this.spare.push(page);
    }
  }

  /** Reads the first into.length bytes of the page (all of them, or its compressed form). */
  read(vpage: number, into: Uint8Array): void {
    const cached = this.cache.get(vpage);
    if (cached) {
      into.set(into.length === cached.length ? cached : cached.subarray(0, into.length));
      return;
    }
    const got = readSync(this.fd, into, 0, into.length, vpage * this.pageSize);
    if (got !== into.length) throw new Error(`swap file: short read of page ${vpage} (${got} of ${into.length} bytes)`);
  }

  get pagesStored(): number {
    return this.cache.size + this.onFile.size;
  }

  /** Pages that have reached the file itself. */
  get pagesOnFile(): number {
    return this.onFile.size;
  }

  close(): void {
    closeSync(this.fd);
  }

  /** A page of cache, cut from a slab of SLAB_PAGES: one allocation per slab, not per page. */
  private newPage(): Uint8Array {
    if (this.slabUsed === SLAB_PAGES) {
      this.slab = new ArrayBuffer(SLAB_PAGES * this.pageSize);
      this.slabUsed = 0;
    }
    return new Uint8Array(this.slab, this.slabUsed++ * this.pageSize, this.pageSize);
  }
  private writeToFile(vpage: number, bytes: Uint8Array): void {
    const written = writeSync(this.fd, bytes, 0, bytes.length, vpage * this.pageSize);
    if (written !== bytes.length) throw new Error(`swap file: short write of page ${vpage} (${written} of ${bytes.length} bytes)`);
    this.onFile.add(vpage);
  }
}

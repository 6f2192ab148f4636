// The swap device: a real swap file for the bytes, and the modelled disk for the time.
//
// Like Linux's swap-out clustering, write-backs are gathered and written SWAP_CLUSTER pages at a
// time, in one sequential request, to the next free run of slots; the faulting program does not
// wait for them, but they hold the disk's single arm, so later reads queue behind them. A page-in
// reads the page's slot (sequential, and so cheaper, when it follows the arm's last block). A page
// evicted but not yet written in modelled time is still in memory (the swap cache): reading it
// back costs no disk time. The bytes always go to the real swap file at once.
//
// A page is stored as a whole page, or compressed (--compress): fewer bytes, which the disk's
// transfer time counts. Each page keeps a page-sized slot (block) all the same, in the file and
// in the model: compression saves transfer time, never a seek or a rotation.

import { DiskArm, type DiskModel } from "./disks/disk.ts";
import { SwapFile } from "./swapfile.ts";

/** Pages per clustered write (Linux's SWAP_CLUSTER_MAX). */
export const SWAP_CLUSTER = 32;

export class SwapDevice {
  private readonly file: SwapFile;
  private readonly arm: DiskArm;
  /** Modelled block of each page written in modelled time. */
  private readonly block = new Map<number, number>();
  /** The page written to each block (stale when the page has been written again since). */
  private readonly pageAt = new Map<number, number>();
  /** Evicted pages waiting for their clustered write. */
  private pending: number[] = [];
  private nextBlock = 0;
  /** Bytes stored of each page stored as less than a page (compressed). */
  private readonly shortBytes = new Map<number, number>();
  diskReads = 0;
  diskWrites = 0;

  constructor(private pageSize: number, disk: DiskModel) {
    this.file = new SwapFile(pageSize);
    this.arm = new DiskArm(disk);
  }

  has(vpage: number): boolean {
    return this.file.has(vpage);
  }

  /** Bytes stored of a page it holds: a page, or fewer for a compressed page. */
  storedBytes(vpage: number): number {
    return this.shortBytes.get(vpage) ?? this.pageSize;
  }

  /** Stores a page (bytes: the page, or its compressed form); returns when the eviction may
   *  proceed (now: the write is clustered). */
  write(vpage: number, bytes: Uint8Array, now: number): number {
    this.file.write(vpage, bytes);
    if (bytes.length < this.pageSize) this.shortBytes.set(vpage, bytes.length);
    else this.shortBytes.delete(vpage);
    this.block.delete(vpage);
    if (!this.pending.includes(vpage)) this.pending.push(vpage);
    if (this.pending.length >= SWAP_CLUSTER) {
      const first = this.nextBlock;
      this.pending.forEach((v, i) => {
        this.block.set(v, first + i);
        this.pageAt.set(first + i, v);
      });
      const bytesWritten = this.shortBytes.size === 0 ? this.pending.length * this.pageSize
        : this.pending.reduce((sum, v) => sum + this.storedBytes(v), 0);
      this.arm.access(now, first, bytesWritten, this.pending.length);
      this.nextBlock += this.pending.length;
      this.diskWrites += this.pending.length;
      this.pending = [];
    }
    return now;
  }

  /** Reads a page back into the start of `into` (storedBytes of it); returns when it has arrived,
   *  or null if never stored. */
  read(vpage: number, into: Uint8Array, now: number): number | null {
    if (!this.file.has(vpage)) return null;
    const bytes = this.storedBytes(vpage);
    this.file.read(vpage, bytes === into.length ? into : into.subarray(0, bytes));
    const at = this.pending.indexOf(vpage);
    if (at >= 0) return now; // still in the swap cache
    this.diskReads++;
    return this.arm.access(now, this.block.get(vpage)!, bytes);
  }

  /** Up to n pages in the blocks after vpage's that still hold them (readahead's order). */
  following(vpage: number, n: number): number[] {
    const b = this.block.get(vpage);
    if (b === undefined) return [];
    const pages: number[] = [];
    for (let next = b + 1; next <= b + n && next < this.nextBlock; next++) {
      const v = this.pageAt.get(next);
      if (v !== undefined && this.block.get(v) === next) pages.push(v);
    }
    return pages;
  }

  close(): void {
    this.file.close();
  }
}

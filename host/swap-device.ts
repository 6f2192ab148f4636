// The swap device: a real swap file for the bytes, and the modelled disk for the time.
//
// Like Linux's swap-out clustering, write-backs are gathered and written SWAP_CLUSTER pages at a
// time, in one sequential request, to the next free run of slots; the faulting program does not
// wait for them, but they hold the disk's single arm, so later reads queue behind them. A page-in
// reads the page's slot (sequential, and so cheaper, when it follows the arm's last block). A page
// evicted but not yet written in modelled time is still in memory (the swap cache): reading it
// back costs no disk time. The bytes always go to the real swap file at once.

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
  diskReads = 0;
  diskWrites = 0;

  constructor(private pageSize: number, disk: DiskModel) {
    this.file = new SwapFile(pageSize);
    this.arm = new DiskArm(disk);
  }

  has(vpage: number): boolean {
    return this.file.has(vpage);
  }

  /** Stores a page; returns when the eviction may proceed (now: the write is clustered). */
  write(vpage: number, bytes: Uint8Array, now: number): number {
    this.file.write(vpage, bytes);
    this.block.delete(vpage);
    if (!this.pending.includes(vpage)) this.pending.push(vpage);
    if (this.pending.length >= SWAP_CLUSTER) {
      const first = this.nextBlock;
      this.pending.forEach((v, i) => {
        this.block.set(v, first + i);
        this.pageAt.set(first + i, v);
      });
      this.arm.access(now, first, this.pending.length * this.pageSize, this.pending.length);
      this.nextBlock += this.pending.length;
      this.diskWrites += this.pending.length;
      this.pending = [];
    }
    return now;
  }

  /** Reads a page back into `into`; returns when it has arrived, or null if never stored. */
  read(vpage: number, into: Uint8Array, now: number): number | null {
    if (!this.file.has(vpage)) return null;
    this.file.read(vpage, into);
    const at = this.pending.indexOf(vpage);
    if (at >= 0) return now; // still in the swap cache
    this.diskReads++;
    return this.arm.access(now, this.block.get(vpage)!, this.pageSize);
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

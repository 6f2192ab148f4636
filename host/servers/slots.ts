// A memory server's storage, divided into slots of slotBytes. A page is stored as 1 to
// pageSizeBytes bytes: whole (its slot is one page when slotBytes is the page size, the default)
// or compressed (--compress: slots of a fraction of a page, so a page of L bytes takes
// ceil(L / slotBytes) of them and the same memory holds more pages, as zswap's allocators pack
// compressed pages). A page's slots form a chain; the slot table (shared with the server thread)
// names the page at its first slot and marks the others CONTINUATION_SLOT, so COUNT and SLOT_OF
// read pages from it without the chains.
//
// Used by the client for the one-sided transport (it owns the slots, RDMA-style) and by the server
// thread for the two-sided one. Kept free of imports beyond the protocol: workers load it.
import { CONTINUATION_SLOT, FREE_SLOT, Result } from "./protocol.ts";

export class SlotStore {
  /** The first slot of each page held. */
  private readonly headOf = new Map<number, number>();
  /** The next slot of a page's chain, or -1 at its last. */
  private readonly next: Int32Array;
  /** At a page's first slot: the bytes stored. */
  private readonly bytesAt: Int32Array;
  /** Free slots, a stack with slot 0 on top. */
  private readonly free: Int32Array;
  private freeCount: number;
  /** Slots freed by take(deferZero) and not yet zeroed (zeroDeferred). */
  private readonly dirty: number[] = [];

  constructor(
    private readonly storage: Uint8Array,
    private readonly table: Int32Array,
    readonly slotBytes: number,
    readonly pageSizeBytes: number,
  ) {
    const slots = table.length;
    this.next = new Int32Array(slots);
    this.bytesAt = new Int32Array(slots);
    this.free = new Int32Array(slots);
    for (let slot = 0; slot < slots; slot++) this.free[slot] = slots - 1 - slot;
    this.freeCount = slots;
  }

  /** The first slot of page vpage, or undefined when it is not held. */
  slotOf(vpage: number): number | undefined {
    return this.headOf.get(vpage);
  }

  /** Stores page vpage's bytes (1 to pageSizeBytes), replacing what it held; null stores a new
   *  page of zeros (a page of free slots, which are zero already). Returns the first slot, or
   *  Result.FULL (keeping what it had) when the free slots are too few. */
  put(vpage: number, bytes: Uint8Array | null): number {
    const length = bytes === null ? this.pageSizeBytes : bytes.length;
    const need = length <= this.slotBytes ? 1 : Math.ceil(length / this.slotBytes);
    let head = this.headOf.get(vpage);
    if (head === undefined) {
      if (this.freeCount < need) return Result.FULL;
      head = this.free[--this.freeCount];
      this.headOf.set(vpage, head);
      this.table[head] = vpage;
      let last = head;
      for (let k = 1; k < need; k++) last = this.link(last);
      this.next[last] = -1;
    } else {
      let have = 1;
      for (let s = this.next[head]; s >= 0; s = this.next[s]) have++;
      if (need > have && this.freeCount < need - have) return Result.FULL;
      let last = head;
      for (let k = 1; k < need; k++) last = this.next[last] >= 0 ? this.next[last] : this.link(last);
      // A page that shrank gives back the slots it no longer needs.
      for (let s = this.next[last]; s >= 0;) {
        const after = this.next[s];
        this.release(s, false);
        s = after;
      }
      this.next[last] = -1;
    }
    this.bytesAt[head] = length;
    if (bytes !== null) {
      if (need === 1) {
        this.storage.set(bytes, head * this.slotBytes);
      } else {
        for (let s = head, at = 0; s >= 0; s = this.next[s], at += this.slotBytes) {
          this.storage.set(bytes.subarray(at, Math.min(at + this.slotBytes, length)), s * this.slotBytes);
        }
      }
    }
    return head;
  }

  /** Moves page vpage into `into` (at least its stored bytes long) and frees its slots, zeroed now
   *  or, with deferZero, by zeroDeferred. Returns the bytes stored, or Result.NOT_HELD. */
  take(vpage: number, into: Uint8Array, deferZero: boolean): number {
    const head = this.headOf.get(vpage);
    if (head === undefined) return Result.NOT_HELD;
    const length = this.bytesAt[head];
    for (let s = head, at = 0; s >= 0; at += this.slotBytes) {
      const from = s * this.slotBytes;
      into.set(this.storage.subarray(from, from + Math.min(this.slotBytes, length - at)), at);
      const after = this.next[s];
      this.release(s, deferZero);
      s = after;
    }
    this.headOf.delete(vpage);
    return length;
  }

  /** Zeroes the slots take(deferZero) freed. */
  zeroDeferred(): void {
    for (const s of this.dirty) this.storage.fill(0, s * this.slotBytes, (s + 1) * this.slotBytes);
    this.dirty.length = 0;
  }

  /** Takes a free slot onto the chain after `last`; returns it. */
  private link(last: number): number {
    const s = this.free[--this.freeCount];
    this.table[s] = CONTINUATION_SLOT;
    this.next[last] = s;
    this.next[s] = -1;
    return s;
  }

  private release(s: number, deferZero: boolean): void {
    if (deferZero) this.dirty.push(s);
    else this.storage.fill(0, s * this.slotBytes, (s + 1) * this.slotBytes);
    this.table[s] = FREE_SLOT;
    this.free[this.freeCount++] = s;
  }
}

/** Pages in a slot table: its first slots. */
export function pagesInTable(table: Int32Array): number {
  let pages = 0;
  for (let slot = 0; slot < table.length; slot++) if (table[slot] >= 0) pages++;
  return pages;
}

// The page map of a running program, read from the MMU's own tables in its wasm memory
// (host/layout.ts): one cell per virtual page, where the page is and how much it is used.
import { ADDR_ACCESSES, ADDR_PT_BASE, ADDR_TOUCH_BASE, ADDR_VIRTUAL_BYTES, ADDR_WALK_BASE, PTE_FRAME_SHIFT, PTE_PREFETCHED, PTE_PRESENT, PTE_REMOTE, PTE_SEEN, WALK_ENTRY_SHIFT, WALK_STAMP_OFFSET } from "../layout.ts";

/** Where a page is: the first byte of its cell. */
export const WHERE = { untouched: 0, local: 1, server: 2, disk: 3 } as const;

export interface PageMapOptions {
  pageSize: number;
  /** Where a page the MMU evicted (PTE_SEEN) lives: on a server (ram-disk) or on disk (disk,
   *  remote-main, and counters' pages the servers had no room for). */
  evictedTo: "server" | "disk";
  /** COUNTERS: a remote page's counter starts here and counts its remote accesses down. */
  counterInitial: number | null;
}

/**
 * Two bytes per virtual page: where it is (WHERE), and its use from 0 to 255: for a local page,
 * how recently it was used (the access clock at its frame's last slow-path use, from the least
 * recently used local page, 0, to now, 255); for a
 * remote page under COUNTERS, the share of its counter that remote accesses have used up. The
 * MMU counts no accesses per page (its fast path must stay a few instructions), so these are the
 * use it does record.
 */
export function readPageMap(memory: WebAssembly.Memory, o: PageMapOptions): Uint8Array<ArrayBuffer> {
  const buffer = memory.buffer;
  const view = new DataView(buffer);
  const pages = Math.floor(view.getUint32(ADDR_VIRTUAL_BYTES, true) / o.pageSize);
  const ptBase = view.getUint32(ADDR_PT_BASE, true);
  const touchBase = view.getUint32(ADDR_TOUCH_BASE, true);
  const walkBase = view.getUint32(ADDR_WALK_BASE, true);
  const now = Number(view.getBigUint64(ADDR_ACCESSES, true)) || 1;
  const pte = new Uint32Array(buffer, ptBase, pages);
  const out = new Uint8Array(pages * 2);
  const evicted = o.evictedTo === "server" ? WHERE.server : WHERE.disk;
  // Local pages' last uses, to scale them between the least and the most recently used.
  const touches = new Float64Array(pages).fill(-1);
  let oldest = now;
  for (let v = 0; v < pages; v++) {
    const e = pte[v];
    let where: number = WHERE.untouched;
    let use = 0;
    if (e & (PTE_PRESENT | PTE_PREFETCHED)) {
      where = WHERE.local;
      // The frame's last use: its own stamp, or its page's walked use (the MMU's lastUse()).
      const touch = Math.max(Number(view.getBigUint64(touchBase + (e >>> PTE_FRAME_SHIFT) * 8, true)),
        Number(view.getBigUint64(walkBase + (v << WALK_ENTRY_SHIFT) + WALK_STAMP_OFFSET, true)));
      touches[v] = touch;
      if (touch < oldest) oldest = touch;
    } else if (e & PTE_REMOTE) {
      where = WHERE.server;
      if (o.counterInitial !== null) use = Math.round(255 * (1 - Math.min(1, (e >>> PTE_FRAME_SHIFT) / o.counterInitial)));
    } else if (e & PTE_SEEN) {
      where = evicted;
    }
    out[2 * v] = where;
    out[2 * v + 1] = use;
  }
  const span = Math.max(1, now - oldest);
  for (let v = 0; v < pages; v++) if (touches[v] >= 0) out[2 * v + 1] = Math.round((255 * Math.max(0, touches[v] - oldest)) / span);
  return out;
}

// The backing shared by the remote-memory policies (REMOTE_MAIN, COUNTERS, SOFTWARE_COUNTERS):
// pages mapped on memory servers and accessed there in place, one-sided, on the server's own
// storage (no request to the server thread, and no local copy); page transfers through the
// memory engine and its link; the disk behind both.

import { openRemoteMemory } from "../memory-engine/open.ts";
import type { Backing, PolicyContext } from "./policy.ts";

export interface RemoteOptions {
  /** Where a displaced local page goes: "remote" (COUNTERS) or "disk" (REMOTE_MAIN). */
  displaceTo: "remote" | "disk";
  /** Keep the counters in host code (SOFTWARE_COUNTERS). */
  softwareCounters: boolean;
}

export async function createRemoteBacking(ctx: PolicyContext, options: RemoteOptions): Promise<Backing> {
  const { config, stats } = ctx;
  const size = config.pageSizeBytes;
  const remote = await openRemoteMemory(ctx);
  const { pool, swap, engine } = remote;
  // A Redis instance is reached by GETRANGE / SETRANGE on the page's value; the others in place.
  const overRedis = pool.transport === "redis";
  const storages = overRedis ? [] : Array.from({ length: pool.servers }, (_, s) => pool.storage(s));
  const loaded: Uint8Array[] = []; // a buffer per access width
  const shift = Math.log2(size);
  const counters = new Map<number, number>();
  const interruptMicros = (config.counterInterruptCycles / config.clockHz) * 1e6;
  let remoteBytes = 0;
  const makeRemote = (vpage: number) => {
    if (options.softwareCounters) counters.set(vpage, config.counterInitial);
  };
  return {
    pageOut(vpage, bytes, dirty, now) {
      if (options.displaceTo === "remote") {
        const done = engine.pageOut(vpage, bytes, now);
        if (engine.onServer(vpage)) makeRemote(vpage);
        return done;
      }
      return dirty || !swap.has(vpage) ? swap.write(vpage, bytes, now) : null;
    },
    pageIn(vpage, into, now) {
      if (engine.onServer(vpage)) {
        // A remote page comes local: the counter's interrupt, then the transfer (a migration).
        stats.migrations++;
        counters.delete(vpage);
        return engine.pageIn(vpage, into, now + interruptMicros);
      }
      if (options.displaceTo === "remote") return engine.pageIn(vpage, into, now);
      return swap.read(vpage, into, now);
    },
    remoteMapped: (vpage) => engine.onServer(vpage),
    placeRemote(vpage) {
      if (swap.has(vpage) || !engine.placeZero(vpage)) return false;
      makeRemote(vpage);
      return true;
    },
    remoteAccess(vaddr, bytes, isStore, phys, paddr) {
      // A load or store of at most 16 bytes: copied byte by byte, with no views made per access.
      const vpage = vaddr >>> shift;
      const server = engine.serverOfPage(vpage);
      if (!(server >= 0)) throw new Error(`page ${vpage} is not on a memory server`);
      if (overRedis) {
        const offset = vaddr & (size - 1);
        if (isStore) {
          pool.writeRange(server, vpage, offset, phys.subarray(paddr, paddr + bytes));
        } else {
          const into = (loaded[bytes] ??= new Uint8Array(bytes));
          if (!pool.readRange(server, vpage, offset, into)) throw new Error(`memory server ${server} lost page ${vpage}`);
          phys.set(into, paddr);
        }
        remoteBytes += bytes;
        return;
      }
      const at = engine.slotOfPage(vpage) * size + (vaddr & (size - 1));
      const storage = storages[server];
      if (isStore) for (let i = 0; i < bytes; i++) storage[at + i] = phys[paddr + i];
      else for (let i = 0; i < bytes; i++) phys[paddr + i] = storage[at + i];
      remoteBytes += bytes;
    },
    softwareCounter(vpage, accesses) {
      const before = counters.get(vpage) ?? config.counterInitial;
      counters.set(vpage, Math.max(0, before - accesses));
      return before;
    },
    report: () => remote.report(remoteBytes),
    close: () => remote.close(),
  };
}

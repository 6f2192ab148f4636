// Break-even counters (`--counter auto`): each remote page's initial counter is set so that the
// remote accesses it allows cost about what migrating the page costs. This is the rent-or-buy rule
// of competitive page migration (Black, Gupta and Weber, "Competitive management of distributed
// shared memory", 1989).
//
// A page on a memory server can be "rented" (each access made there, remote, costs r cycles
// instead of a local access's l) or "bought" (migrated local once, for M cycles of stall). A
// counter of N rents for N accesses, then buys. For a page used k times while it is hot:
//
//   offline best:  min(k·(r − l), M)
//   counter N:     k·(r − l)            if k <= N
//                  N·(r − l) + M        if k >  N
//
// With N = M / (r − l) the counter never pays more than twice the offline best (at worst
// k = N + 1: it rented for M and then bought for M as well). A larger N loses more on pages used
// a bit more than N times; a smaller one migrates pages that would have cost less left remote. So
//
//   N = max(1, round(M / (r − l))),   clamped to the largest counter the MMU keeps.
//
// M is what the engine charges for one counter fault on idle links, in the run's own model: the
// counter interrupt, then the page's fetch (a request and the page back, over every hop of the
// configured path), which queues behind the write-back of the local page it displaces (COUNTERS
// sends the least recently used local page to remote memory), plus the client's fault handling.
// It is computed by the memory engine itself (host/memory-engine/memory-engine.ts) on idle pipes,
// so it follows --link, --bandwidth, --latency, --mtu, --memory-engine, --reply and --page-size.
// r is the policy's remote access (hardware, or software for SOFTWARE_COUNTERS: a smaller N,
// since renting costs ten times more). The engine cache is taken as missing (no hit to count on).
//
// markatos96 (atm155, no engine, 8 KiB pages, 150 MHz) by hand: a page is 171 ATM cells,
// 8192 + 171 × 5 = 9047 bytes on the wire, 483.28 µs at 18.72 MB/s; a 64-byte request is 2 cells,
// 3.95 µs. Each message pays 11 µs at its sender and 10 µs of latency. The write-back holds the
// client's pipe until 11 + 483.28 = 494.28 µs; the request (ready at 6.67 µs of interrupt + 11)
// follows it to 498.23 and arrives at 508.23; the page comes back at 508.23 + 11 + 483.28 + 10 =
// 1012.51 µs, 151877 cycles. COUNTERS: 151877 / (100 − 1) = 1534; SOFTWARE_COUNTERS:
// 151877 / (1000 − 1) = 152.
import type { RunConfig } from "../config.ts";
import { MemoryEngine, type PageServers, type SpillStore } from "../memory-engine/memory-engine.ts";
import { POLICIES } from "./index.ts";

/** The largest initial counter: the MMU keeps a remote page's counter in 24 bits. */
export const MAX_COUNTER = 2 ** 24 - 1;

/** Modelled µs of one migration on idle links: the counter fault's stall as the engine charges it. */
export function migrationMicros(config: RunConfig): number {
  const page = new Uint8Array(config.pageSizeBytes);
  const engine = new MemoryEngine(idleServers(config.servers), NO_DISK, {
    link: config.link,
    placement: config.placement,
    reply: config.reply,
    viaEngine: config.memoryEngine,
    engineCachePages: 0,
    pageSizeBytes: config.pageSizeBytes,
  });
  const REMOTE = 1, DISPLACED = 2;
  engine.placeZero(REMOTE); // the page to migrate is on a server, placed there with no transfer
  // As remote.ts and engine.ts order one counter fault at time 0: the write-back of the displaced
  // page, then the page's fetch after the interrupt; the fault ends when both are done.
  const interruptMicros = (config.counterInterruptCycles / config.clockHz) * 1e6;
  const written = engine.pageOut(DISPLACED, page, 0);
  const arrived = engine.pageIn(REMOTE, page, interruptMicros);
  if (arrived === null) throw new Error("internal error: the break-even engine lost its page");
  return Math.max(written, arrived) + config.faultHandlingMicros;
}

/** Cycles of one migration, rounded as engine.ts rounds a fault's stall. */
export function migrationCycles(config: RunConfig): number {
  return Math.round(migrationMicros(config) * (config.clockHz / 1e6));
}

/** The break-even initial counter of the run's preset, link and policy (see above). */
export function breakEvenCounter(config: RunConfig): number {
  const policy = POLICIES[config.policy];
  const remoteCycles = policy.remoteAccessCycles?.(config) ?? config.remoteAccessCycles;
  const extraCycles = remoteCycles - config.localAccessCycles;
  if (extraCycles <= 0) return MAX_COUNTER; // renting costs nothing: never buy
  return Math.min(MAX_COUNTER, Math.max(1, Math.round(migrationCycles(config) / extraCycles)));
}

/** Servers with room for every page, holding no bytes: only the engine's map and links matter. */
function idleServers(servers: number): PageServers {
  return { servers, pageOutToSlot: () => 0, pageOutZeroToSlot: () => 0, pageInBytes: (_server, _vpage, into) => into.length };
}

const NO_DISK: SpillStore = {
  write: () => { throw new Error("internal error: the break-even engine spilled to disk"); },
  read: () => null,
};

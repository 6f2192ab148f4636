// The real cost of moving a page to a memory server and back: alternating pageOut/pageIn of one
// page on a 1-server pool, timed around each (host/servers/pool.ts): a request's round trip
// (two-sided; redis, to a local redis-server of its own), or the copy in place (one-sided).
// Wall-clock only; not part of any modelled figure.
import { MemoryServerPool } from "./pool.ts";
import type { Transport } from "./protocol.ts";
import { startRedisServers } from "./redis.ts";

export interface RoundTrip {
  p50: number;
  p99: number;
  /** Pages moved (out and in) per second of the timed part. */
  pagesPerSecond: number;
}

export async function serverRoundTrip(transport: Transport, pageSizeBytes = 4096, requests = 20000): Promise<RoundTrip> {
  const embedded = transport === "redis" ? await startRedisServers(1) : null;
  const pool = await MemoryServerPool.start({
    servers: 1, capacityBytes: 16 * pageSizeBytes, pageSizeBytes, transport,
    redis: embedded ? { urls: embedded.urls, runId: `bench-${process.pid}`, connectTimeoutMs: 2000, keepPages: false } : undefined,
  }).catch(async (e) => { await embedded?.stop(); throw e; });
  try {
    const page = new Uint8Array(pageSizeBytes);
    const back = new Uint8Array(pageSizeBytes);
    for (let i = 0; i < pageSizeBytes; i++) page[i] = (i * 31 + 7) & 0xff;
    const pairs = Math.max(1, Math.ceil(requests / 2));
    const warmup = Math.min(1000, pairs);
    let t0 = 0;
    for (let i = 0; i < warmup + pairs; i++) {
      if (i === warmup) {
        pool.resetRoundTrips();
        t0 = performance.now();
      }
      page[0] = i & 0xff;
      if (!pool.pageOut(0, i & 7, page)) throw new Error("serverRoundTrip: the server refused a page");
      if (!pool.pageIn(0, i & 7, back)) throw new Error("serverRoundTrip: the server lost a page");
      if (back[0] !== (i & 0xff)) throw new Error("serverRoundTrip: the page came back changed");
    }
    const seconds = (performance.now() - t0) / 1000;
    const { p50, p99 } = pool.roundTripMicros()!; // pairs >= 1: pages moved
    return { p50, p99, pagesPerSecond: (2 * pairs) / seconds };
  } finally {
    await pool.stop();
    await embedded?.stop();
  }
}

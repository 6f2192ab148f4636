// `remora bench --transports`: what each transport really costs (issue 16). For each one, 4 KiB
// pages moved out and in to one server (pages per second, p50/p99 of each move), and one paging run
// (qsort tiny under ram-disk, 2 servers) whose modelled figures must agree: only the real time
// differs. Redis is a local redis-server over loopback (skipped, and said so, without the binary).
import { run } from "../host/run.ts";
import { serverRoundTrip, type RoundTrip } from "../host/servers/bench.ts";
import { TRANSPORTS, type Transport } from "../host/servers/protocol.ts";
import { haveRedisServer, MISSING_REDIS_SERVER } from "../host/servers/redis.ts";

export interface TransportRow extends RoundTrip {
  transport: Transport;
  /** The paging run: its wall time, its pages moved per second and their real p50 / p99. */
  runWallSeconds: number;
  runPagesPerSecond: number;
  runRoundTripMicros: { p50: number; p99: number } | null;
  modelledCycles: number;
  verified: boolean;
}

export const TRANSPORT_RUN = { workload: "qsort", size: "tiny" as const, policy: "ram-disk", localPages: 64, servers: 2 };

export async function benchTransports(requests = 20000, onSkip: (why: string) => void = () => {}): Promise<TransportRow[]> {
  const rows: TransportRow[] = [];
  for (const transport of TRANSPORTS) {
    if (transport === "redis" && !haveRedisServer()) {
      onSkip(MISSING_REDIS_SERVER);
      continue;
    }
    const moves = await serverRoundTrip(transport, 4096, requests);
    const r = await run({ ...TRANSPORT_RUN, transport });
    rows.push({
      transport, ...moves,
      runWallSeconds: r.wallSeconds,
      runPagesPerSecond: (r.pageIns + r.pageOuts) / r.wallSeconds,
      runRoundTripMicros: r.faultRoundTripMicros,
      modelledCycles: r.modelledCycles,
      verified: r.verified,
    });
  }
  return rows;
}

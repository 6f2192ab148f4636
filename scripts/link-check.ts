// Pages moved per second to a local Redis (the redis transport's serverRoundTrip), printed as one
// JSON line with the throughput they make on the wire. scripts/link-check.sh runs it in a network
// namespace whose loopback a tc qdisc slows down, to check the measurement against the rate.
import { serverRoundTrip } from "../host/servers/bench.ts";

const PAGE = 4096;
const r = await serverRoundTrip("redis", PAGE, Number(process.argv[2] ?? 4000));
console.log(JSON.stringify({ ...r, payloadMbitPerSecond: (r.pagesPerSecond * PAGE * 8) / 1e6 }));

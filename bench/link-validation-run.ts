// One faulting run for `remora validate-link` (bench/link-validation.ts), started inside the client's
// network namespace: the pages go to the Redis instance at the URL given, across the shaped veth.
// Prints one JSON line: the real wall time of every page fault that brought a page in (the
// engine's measureFaults), and the modelled latency of the same faults.
import { run, summarize } from "../host/run.ts";

export interface ValidationJob {
  url: string;
  link: string;
  workload: string;
  size: string;
  localPages: number;
}

const job = JSON.parse(process.argv[2]) as ValidationJob;
const r = await run({
  workload: job.workload, size: job.size as "tiny", policy: "ram-disk", link: job.link, localPages: job.localPages,
  // One server, no memory engine: a fault is the client's SET of its victim and GET of its page,
  // one round trip to the instance, as the model's no-engine path has it.
  servers: 1, memoryEngine: false, transport: "redis", serverUrl: [job.url],
}, { measureFaults: true });
console.log(JSON.stringify({
  verified: r.verified,
  faults: r.engine.faultMicros.length,
  measuredMicros: summarize(r.engine.faultMicros),
  modelledMicros: r.faultLatencyMicros,
}));

import type { Policy } from "./policy.ts";
import { createRemoteBacking } from "./remote.ts";

/** SOFTWARE_COUNTERS (Markatos'96): COUNTERS' decisions made in software. Every remote access
 *  leaves wasm for a host handler that performs it and keeps the page's counter in host code,
 *  at the preset's software remote access cost (1000 cycles in markatos96). */
export const softwareCountersPolicy: Policy = {
  name: "software-counters",
  description: "COUNTERS with the counters and remote accesses in software",
  remoteMode: 3,
  remoteAccessCycles: (config) => config.softwareRemoteAccessCycles,
  localPages: (configured) => configured,
  create: (ctx) => createRemoteBacking(ctx, { displaceTo: "remote", softwareCounters: true }),
};

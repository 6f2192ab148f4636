import type { Policy } from "./policy.ts";
import { createRemoteBacking } from "./remote.ts";

/** REMOTE_MAIN (Markatos'96): remote memory as slow main memory. A page gets a local frame on
 *  first touch while one is free, else a frame on a memory server, accessed there with single
 *  remote loads and stores; once mapped it does not move, unless local and remote memory are
 *  both full: then a local page goes to disk. */
export const remoteMainPolicy: Policy = {
  name: "remote-main",
  description: "remote memory as main memory: single remote accesses, pages never move",
  remoteMode: 1,
  localPages: (configured) => configured,
  create: (ctx) => createRemoteBacking(ctx, { displaceTo: "disk", softwareCounters: false }),
};

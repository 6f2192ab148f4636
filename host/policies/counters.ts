import type { Policy } from "./policy.ts";
import { createRemoteBacking } from "./remote.ts";

/** COUNTERS (Markatos'96), in hardware: a page is first mapped remotely with its reference
 *  counter set to --counter; each remote access decrements it, in the MMU, at no extra cost; at
 *  zero an interrupt migrates the page local and the least recently used local page goes to
 *  remote memory. */
export const countersPolicy: Policy = {
  name: "counters",
  description: "hardware reference counters pull hot remote pages local",
  remoteMode: 2,
  localPages: (configured) => configured,
  create: (ctx) => createRemoteBacking(ctx, { displaceTo: "remote", softwareCounters: false }),
};

import type { Policy } from "./policy.ts";

/** LOCAL: unbounded local memory, the baseline every other policy is compared with. Pages are
 *  only ever first-touched; nothing is evicted. */
export const localPolicy: Policy = {
  name: "local",
  description: "unbounded local memory: the baseline (no page ever leaves)",
  localPages: () => 0xffffffff,
  create: () => ({
    pageOut() {
      throw new Error("local policy: a page was evicted, but local memory is unbounded");
    },
    pageIn: () => null,
    close() {},
  }),
};

// readahead:N — Linux's swap readahead (mm/swap_state.c, `vm.page-cluster`): after a page fault that
// read a page from swap, read the N pages that follow it in the swap area too, in the hope that
// pages written out together are used together. DISK's order is its swap slots (pages written in
// one clustered write-back sit side by side); RAM_DISK's is the memory engine's map, by page number.
import type { PrefetcherKind } from "./prefetcher.ts";

export const readahead: PrefetcherKind = {
  name: "readahead",
  description: "after a fault, the N pages that follow it in the backing store (Linux swap readahead)",
  arg: { what: "pages read ahead", min: 1, max: 64, default: 8 },
  create(store, arg) {
    const n = arg ?? 8;
    return {
      afterFault: (vpage) => store.following(vpage, n),
      hit: () => {},
    };
  },
};

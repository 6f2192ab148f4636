// DEFLATE at level 1, raw (no zlib header), per page: node's zlib, the reference implementation
// whose speed codec.ts cites ("zlib 1.2.8 -1": zlib's fastest level, the one a pager would use).
// Node-only, like the swap file: a browser build needs a synchronous DEFLATE of its own (fflate,
// pure JavaScript, took 4x zlib's real time a page here).
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { Codec } from "./codec.ts";

export const deflate: Codec = {
  name: "deflate",
  description: "raw DEFLATE, level 1, per page (node's zlib)",
  compressBytesPerSecond: 65e6,
  decompressBytesPerSecond: 280e6,
  open: () => ({
    compress: (page) => deflateRawSync(page, { level: 1 }),
    decompress(stored, into) {
      // At most a page: a longer or cut-short stream throws, it is not silently cut off.
      const page = inflateRawSync(stored, { maxOutputLength: into.length });
      into.set(page);
      return page.length;
    },
  }),
};

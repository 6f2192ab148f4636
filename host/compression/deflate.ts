// DEFLATE at level 1, raw (no zlib header), per page (fflate, pure JavaScript, so it runs in a
// browser too; its output is standard DEFLATE). Speed on the reference core: the lz4 README's
// "zlib 1.2.8 -1" row (codec.ts): zlib's fastest level, the one a pager would use.
import { deflateSync, inflateSync } from "fflate";
import type { Codec } from "./codec.ts";

export const deflate: Codec = {
  name: "deflate",
  description: "raw DEFLATE, level 1, per page (fflate)",
  compressBytesPerSecond: 65e6,
  decompressBytesPerSecond: 280e6,
  open: () => ({
    compress: (page) => deflateSync(page, { level: 1 }),
    decompress: (stored, into) => inflateSync(stored, { out: into }).length,
  }),
};

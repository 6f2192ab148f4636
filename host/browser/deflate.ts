// Browser twin of host/compression/deflate.ts: node's zlib is not in a browser, and a page codec
// must be synchronous (it runs inside a page fault), which the browser's CompressionStream is not.
// The playground offers no --compress; a run that asks for deflate fails naming why.
import type * as Node from "../compression/deflate.ts";

export const deflate: typeof Node.deflate = {
  name: "deflate",
  description: "raw DEFLATE, level 1, per page (node's zlib: not in the browser)",
  compressBytesPerSecond: 65e6,
  decompressBytesPerSecond: 280e6,
  open: () => {
    throw new Error("--compress deflate needs node's zlib: run it with ./bin/remora run");
  },
};

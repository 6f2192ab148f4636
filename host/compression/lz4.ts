// LZ4 (lz4js, pure JavaScript, so it runs in a browser too): an LZ4 block per page, as zswap's
// lz4 compressor makes one. Speed on the reference core: the lz4 README's LZ4 r101 row (codec.ts).
import { compressBlock, compressBound, decompressBlock } from "lz4js";
import type { Codec } from "./codec.ts";

/** lz4js's hash table: 2^16 entries (its hashSize), cleared before each page so that a page's
 *  compressed form depends on that page alone. */
const HASH_ENTRIES = 1 << 16;

export const lz4: Codec = {
  name: "lz4",
  description: "an LZ4 block per page (lz4js)",
  compressBytesPerSecond: 422e6,
  decompressBytesPerSecond: 1820e6,
  open() {
    const hashTable = new Uint32Array(HASH_ENTRIES);
    let out = new Uint8Array(0);
    return {
      compress(page) {
        if (out.length < compressBound(page.length)) out = new Uint8Array(compressBound(page.length));
        hashTable.fill(0);
        const length = compressBlock(page, out, 0, page.length, hashTable);
        return length > 0 ? out.subarray(0, length) : null; // 0: no match at all, nothing gained
      },
      decompress: (stored, into) => decompressBlock(stored, into, 0, stored.length, 0),
    };
  },
};

// A page codec: compresses one page on its own (as zswap does), and what compressing costs.
//
// The modelled cost comes from published single-core throughput, all from one table so that the
// codecs compare on the same machine: lz4's README benchmark (LZ4 r101, the Silesia corpus, one
// core of a Core i5-3340M at 2.7 GHz), which gives LZ4 422 MB/s compression and 1820 MB/s
// decompression, and zlib 1.2.8 level 1 65 MB/s and 280 MB/s. A preset scales them to its own
// client's core with codecSpeedRatio (host/presets/preset.ts). A 4 KiB page compresses at about the
// corpus's rate (a page is one small block; per-call setup is not modelled).

export const REFERENCE_CORE = "one core of a Core i5-3340M at 2.7 GHz (lz4 README, r101 benchmark, Silesia corpus)";

export interface Codec {
  name: string;
  description: string;
  /** Throughput on REFERENCE_CORE, in bytes of page per second. */
  compressBytesPerSecond: number;
  decompressBytesPerSecond: number;
  /** A compressor with its own buffers (one per run). */
  open(): PageCodec;
}

export interface PageCodec {
  /**
   * Compresses a page. Returns its compressed bytes (a view of the codec's own buffer, valid until
   * its next call), or null when the codec found nothing to gain (the caller stores it raw).
   */
  compress(page: Uint8Array): Uint8Array | null;
  /** Decompresses `stored` into `into` (one page); returns the bytes it produced. */
  decompress(stored: Uint8Array, into: Uint8Array): number;
}

/** Modelled µs to compress and to decompress one page of pageSizeBytes on a core codecSpeedRatio
 *  times as fast as the reference core. */
export function codecMicrosPerPage(codec: Codec, pageSizeBytes: number, codecSpeedRatio: number): { compress: number; decompress: number } {
  return {
    compress: (pageSizeBytes / (codec.compressBytesPerSecond * codecSpeedRatio)) * 1e6,
    decompress: (pageSizeBytes / (codec.decompressBytesPerSecond * codecSpeedRatio)) * 1e6,
  };
}

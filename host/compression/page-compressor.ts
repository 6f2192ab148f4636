// --compress: the client compresses each page it pages out and decompresses each one it pages in
// (zswap's place, in front of the backing store); the backing store (the swap device, the memory
// engine and its servers) carries and keeps the compressed bytes, so the wire, the disk transfer
// and the servers' memory all see the compressed size.
//
// A page whose compressed form does not save at least RAW_SAVING of a page is stored raw: its
// stored form is the page itself, and a stored form of a whole page is how the reader knows (the
// flag a real header would carry). Trying still costs the compression time, so a workload whose
// pages do not compress is no slower than without --compress by more than that.
//
// Modelled time: the fault handler compresses the victim before it sends anything (the write-back
// leaves, and the page-in request is issued, once the page is compressed); a compressed page
// that arrives is decompressed before the fault completes. One core: the two never overlap.
import type { RunConfig } from "../config.ts";
import type { PageCodec } from "./codec.ts";
import { CODECS } from "./index.ts";

/** A compressed page is kept only if it saves at least this fraction of a page. */
export const RAW_SAVING = 1 / 8;

/** A memory server stores compressed pages in slots of this fraction of a page (256 bytes of a
 *  4 KiB page), chained (host/servers/slots.ts): on average half a slot per page is unused. */
export const COMPRESSED_SLOTS_PER_PAGE = 16;

/** What --compress did, in the result JSON's `compression` field. */
export interface CompressionReport {
  codec: string;
  /** Page bytes paged out / bytes stored for them (the compressed size, or the page when raw). */
  compressionRatio: number;
  /** Pages the codec was tried on, and those of them stored raw (they did not compress). */
  pagesCompressed: number;
  pagesStoredRaw: number;
  /** Pages brought back that had to be decompressed. */
  pagesDecompressed: number;
  /** Page bytes paged out, and the bytes stored and carried for them. */
  pageBytes: number;
  storedBytes: number;
  /** Modelled client time spent compressing and decompressing, in µs. */
  compressMicros: number;
  decompressMicros: number;
}

export class PageCompressor {
  private readonly name: string;
  private readonly codec: PageCodec;
  private readonly pageSizeBytes: number;
  private readonly compressMicrosPerPage: number;
  private readonly decompressMicrosPerPage: number;
  /** The client's core is busy compressing until then (modelled µs). */
  private cpuFreeMicros = 0;
  private pagesCompressed = 0;
  private pagesStoredRaw = 0;
  private pagesDecompressed = 0;
  private pageBytes = 0;
  private storedBytes = 0;

  constructor(config: RunConfig) {
    this.name = config.compress;
    this.codec = CODECS[config.compress].open();
    this.pageSizeBytes = config.pageSizeBytes;
    this.compressMicrosPerPage = config.compressMicrosPerPage;
    this.decompressMicrosPerPage = config.decompressMicrosPerPage;
  }

  /** The stored form of a page being paged out at `now`, and when it is ready to leave. */
  pack(page: Uint8Array, now: number): { stored: Uint8Array; readyMicros: number } {
    const compressed = this.codec.compress(page);
    const keep = compressed !== null && compressed.length <= this.pageSizeBytes * (1 - RAW_SAVING);
    const stored = keep ? compressed : page;
    this.pagesCompressed++;
    if (!keep) this.pagesStoredRaw++;
    this.pageBytes += page.length;
    this.storedBytes += stored.length;
    this.cpuFreeMicros = Math.max(now, this.cpuFreeMicros) + this.compressMicrosPerPage;
    return { stored, readyMicros: this.cpuFreeMicros };
  }

  /** When a request made at `now` can leave: after any compression under way. */
  issueMicros(now: number): number {
    return Math.max(now, this.cpuFreeMicros);
  }

  /** Fills `into` (a page) from a stored form that arrived at `arrivedMicros`; returns when the
   *  page is ready. Throws if the codec does not give back a whole page. */
  unpack(vpage: number, stored: Uint8Array, into: Uint8Array, arrivedMicros: number): number {
    if (stored.length === this.pageSizeBytes) {
      into.set(stored);
      return arrivedMicros;
    }
    const produced = this.codec.decompress(stored, into);
    if (produced !== this.pageSizeBytes) {
      throw new Error(`${this.name}: page ${vpage} decompressed to ${produced} bytes, not ${this.pageSizeBytes}`);
    }
    this.pagesDecompressed++;
    this.cpuFreeMicros = Math.max(arrivedMicros, this.cpuFreeMicros) + this.decompressMicrosPerPage;
    return this.cpuFreeMicros;
  }

  report(): CompressionReport {
    return {
      codec: this.name,
      compressionRatio: this.storedBytes > 0 ? this.pageBytes / this.storedBytes : 1,
      pagesCompressed: this.pagesCompressed,
      pagesStoredRaw: this.pagesStoredRaw,
      pagesDecompressed: this.pagesDecompressed,
      pageBytes: this.pageBytes,
      storedBytes: this.storedBytes,
      compressMicros: this.pagesCompressed * this.compressMicrosPerPage,
      decompressMicros: this.pagesDecompressed * this.decompressMicrosPerPage,
    };
  }
}

/** Where stored forms go: the swap device, the memory engine. read fills the start of `into` with
 *  storedBytes(vpage) bytes. */
export interface StoredPages {
  write(vpage: number, stored: Uint8Array, nowMicros: number): number;
  read(vpage: number, into: Uint8Array, nowMicros: number): number | null;
  storedBytes(vpage: number): number;
}

/** A policy's page transfers through the compressor: pageOut stores the victim's stored form,
 *  pageIn brings one back and unpacks it into the frame. */
export function compressedTransfers(store: StoredPages, compressor: PageCompressor, pageSizeBytes: number) {
  const arrived = new Uint8Array(pageSizeBytes);
  return {
    pageOut(vpage: number, page: Uint8Array, now: number): number {
      const { stored, readyMicros } = compressor.pack(page, now);
      return store.write(vpage, stored, readyMicros);
    },
    pageIn(vpage: number, into: Uint8Array, now: number): number | null {
      const at = store.read(vpage, arrived, compressor.issueMicros(now));
      if (at === null) return null;
      return compressor.unpack(vpage, arrived.subarray(0, store.storedBytes(vpage)), into, at);
    },
  };
}

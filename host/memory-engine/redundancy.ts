// --redundancy: how many servers keep each page, and in what form. One scheme per kind, by name:
//
//   none          one copy on one server (Anemone, Markatos'96): a failed server loses its pages
//   replicate:K   K whole copies on K distinct servers (Anemone's proposed backup engines,
//                 Infiniswap's remote copies): survives K - 1 failures, K times the memory
//   ec:D+P        Reed–Solomon (reed-solomon.ts): the page cut into D data fragments of
//                 ceil(bytes / D), P parity fragments computed from them, D + P distinct servers
//                 (Hydra, FAST'22): survives P failures at (D + P) / D times the memory
//
// A scheme says how a stored page (a page, or its compressed form) becomes fragments and back,
// and what the redundancy costs beyond the page itself on the client's link (the bottleneck every
// page crosses; the hops behind the engine run in parallel, one per server). That extra is
// charged to the fault after the page's own path, which is modelled exactly as under none: so
// modelled(redundant) - modelled(none) is the sum of the extras, the result's redundancyCycles.
//
//   page-out, replicate:K  K - 1 more copies of the page: (K - 1) messages of the page
//   page-in,  replicate:K  one copy read (none's path); K - 1 requests that free the others
//   page-out, ec:D+P       encoding (P x bytes at the preset's erasureCodingBytesPerSecond), then
//                          D + P fragment messages instead of one page message
//   page-in,  ec:D+P       D requests and D fragments instead of one of each; P requests that free
//                          the parity; decoding (missing data fragments x bytes at the same rate)
//                          only when a data fragment was lost: the code is systematic
// A message costs the link's protocolMicros plus its wire time (host/links/link.ts).
import { wireMicros, type LinkModel } from "../links/link.ts";
import { ReedSolomon } from "./reed-solomon.ts";

/** Bytes of a request message: page number, operation, client id (and framing). */
export const REQUEST_BYTES = 64;

/** The most fragments a page is stored as (the fragment number is part of its key on a server). */
export const MAX_FRAGMENTS = 32;

export type RedundancySpec =
  | { kind: "none" }
  | { kind: "replicate"; copies: number }
  | { kind: "ec"; data: number; parity: number };

export const REDUNDANCY_SYNTAX = "none, replicate:K or ec:D+P";

/** "none", "replicate:2", "ec:4+2" -> the spec, or why it is not one. */
export function parseRedundancy(text: string): RedundancySpec | string {
  const bad = `--redundancy must be ${REDUNDANCY_SYNTAX} (e.g. replicate:2, ec:4+2), not "${text}"`;
  if (text === "none") return { kind: "none" };
  let m = /^replicate:(\d+)$/.exec(text);
  if (m) {
    const copies = Number(m[1]);
    if (!(copies >= 2 && copies <= MAX_FRAGMENTS)) return `--redundancy replicate:K keeps K from 2 to ${MAX_FRAGMENTS} copies, not ${m[1]}`;
    return { kind: "replicate", copies };
  }
  m = /^ec:(\d+)\+(\d+)$/.exec(text);
  if (m) {
    const data = Number(m[1]);
    const parity = Number(m[2]);
    if (!(data >= 1 && parity >= 1 && data + parity <= MAX_FRAGMENTS)) {
      return `--redundancy ec:D+P needs D >= 1, P >= 1 and D + P <= ${MAX_FRAGMENTS}, not ${m[1]}+${m[2]}`;
    }
    return { kind: "ec", data, parity };
  }
  return bad;
}

export function formatRedundancy(spec: RedundancySpec): string {
  return spec.kind === "none" ? "none" : spec.kind === "replicate" ? `replicate:${spec.copies}` : `ec:${spec.data}+${spec.parity}`;
}

/** Fragments a page is stored as: the distinct servers the scheme needs. */
export function fragmentsOf(spec: RedundancySpec): number {
  return spec.kind === "none" ? 1 : spec.kind === "replicate" ? spec.copies : spec.data + spec.parity;
}

/** Fragments that give the page back. */
export function neededOf(spec: RedundancySpec): number {
  return spec.kind === "ec" ? spec.data : 1;
}

export class Redundancy {
  readonly fragments: number;
  readonly needed: number;
  private readonly code: ReedSolomon | null;

  constructor(readonly spec: RedundancySpec, private readonly link: LinkModel, private readonly codingBytesPerSecond: number) {
    this.fragments = fragmentsOf(spec);
    this.needed = neededOf(spec);
    this.code = spec.kind === "ec" ? new ReedSolomon(spec.data, spec.parity) : null;
  }

  get name(): string {
    return formatRedundancy(this.spec);
  }

  /** Bytes of each fragment of a page stored as `bytes`. */
  fragmentBytes(bytes: number): number {
    return this.spec.kind === "ec" ? Math.ceil(bytes / this.spec.data) : bytes;
  }

  /** The fragments of a stored page (copies: the page itself, `fragments` times). */
  split(stored: Uint8Array): Uint8Array[] {
    if (this.code === null) return Array.from({ length: this.fragments }, () => stored);
    const f = this.fragmentBytes(stored.length);
    const all = new Uint8Array(f * this.fragments);
    all.set(stored);
    const fragments = Array.from({ length: this.fragments }, (_, i) => all.subarray(i * f, (i + 1) * f));
    this.code.encode(fragments);
    return fragments;
  }

  /** The stored page (`bytes` long) from its fragments, `present[i]` saying which arrived (at
   *  least `needed`; every slot allocated, fragmentBytes long). Rebuilds the missing ones in
   *  place. */
  join(fragments: Uint8Array[], present: boolean[], bytes: number, into: Uint8Array): void {
    if (this.code === null) {
      into.set(fragments[present.indexOf(true)].subarray(0, bytes));
      return;
    }
    if (present.some((p) => !p)) this.code.reconstruct(fragments, present);
    const f = this.fragmentBytes(bytes);
    for (let j = 0, at = 0; at < bytes; j++, at += f) into.set(fragments[j].subarray(0, Math.min(f, bytes - at)), at);
  }

  /** Rebuilds the missing fragments in place (every slot allocated). */
  rebuild(fragments: Uint8Array[], present: boolean[]): void {
    if (this.code !== null) this.code.reconstruct(fragments, present);
    else {
      const source = fragments[present.indexOf(true)];
      for (let i = 0; i < fragments.length; i++) if (!present[i]) fragments[i].set(source);
    }
  }

  /** Modelled µs of coding `bytes` against `rows` fragments' worth of the matrix. */
  codingMicros(rows: number, bytes: number): number {
    return this.code === null ? 0 : (rows * bytes / this.codingBytesPerSecond) * 1e6;
  }

  /** One message of `bytes` on the client's link: the sender's software and the wire. */
  messageMicros(bytes: number): number {
    return this.link.protocolMicros + wireMicros(this.link, bytes);
  }

  /** What a page-out of a page stored as `bytes` costs beyond none's one message: µs and bytes. */
  pageOutExtra(bytes: number): { micros: number; bytes: number; messages: number } {
    if (this.spec.kind === "none") return { micros: 0, bytes: 0, messages: 0 };
    if (this.spec.kind === "replicate") {
      const k = this.spec.copies - 1;
      return { micros: k * this.messageMicros(bytes), bytes: k * bytes, messages: k };
    }
    const f = this.fragmentBytes(bytes);
    const n = this.fragments;
    return {
      micros: this.codingMicros(this.spec.parity, bytes) + n * this.messageMicros(f) - this.messageMicros(bytes),
      bytes: n * f - bytes,
      messages: n - 1,
    };
  }

  /** What a page-in costs beyond none's request and page: `others` live fragments freed, and
   *  `decoded` data fragments rebuilt (ec). */
  pageInExtra(bytes: number, others: number, decoded: number): { micros: number; bytes: number; messages: number } {
    if (this.spec.kind !== "ec") {
      return { micros: others * this.messageMicros(REQUEST_BYTES), bytes: others * REQUEST_BYTES, messages: others };
    }
    const d = this.spec.data;
    const f = this.fragmentBytes(bytes);
    return {
      micros: (d - 1) * this.messageMicros(REQUEST_BYTES) + d * this.messageMicros(f) - this.messageMicros(bytes)
        + others * this.messageMicros(REQUEST_BYTES) + this.codingMicros(decoded, bytes),
      bytes: (d - 1) * REQUEST_BYTES + d * f - bytes + others * REQUEST_BYTES,
      messages: d - 1 + others,
    };
  }
}

// The prefetchers of `--prefetch`, by name. Adding one: a module beside this file and a line here.
import { leap } from "./leap.ts";
import type { PrefetcherKind } from "./prefetcher.ts";
import { readahead } from "./readahead.ts";

export const PREFETCHERS: Record<string, PrefetcherKind> = { readahead, leap };

/** `--prefetch` as given: "none", "leap", "readahead:8". */
export interface PrefetchChoice {
  name: string;
  arg: number | null;
}

/** Reads `--prefetch`; returns an error message instead when it is not valid. */
export function parsePrefetch(text: string): PrefetchChoice | string {
  const m = /^([a-z-]+)(?::(\d+))?$/.exec(text.trim());
  const names = ["none", ...Object.keys(PREFETCHERS).map((n) => (PREFETCHERS[n].arg ? `${n}:N` : n))];
  if (!m || !(m[1] === "none" || m[1] in PREFETCHERS)) return `unknown prefetcher "${text}": choose one of ${names.join(", ")}`;
  if (m[1] === "none") return m[2] === undefined ? { name: "none", arg: null } : `--prefetch none takes no argument`;
  const kind = PREFETCHERS[m[1]];
  if (m[2] === undefined) return { name: kind.name, arg: kind.arg ? kind.arg.default : null };
  if (!kind.arg) return `--prefetch ${kind.name} takes no argument, not ":${m[2]}"`;
  const n = Number(m[2]);
  if (n < kind.arg.min || n > kind.arg.max) return `--prefetch ${kind.name}:N: ${kind.arg.what} must be from ${kind.arg.min} to ${kind.arg.max}, not ${n}`;
  return { name: kind.name, arg: n };
}

/** The choice as written in results: "none", "leap", "readahead:8". */
export const prefetchName = (c: PrefetchChoice): string => (c.arg === null ? c.name : `${c.name}:${c.arg}`);

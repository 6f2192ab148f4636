// The MMU's compiled bytes (build/mmu.wasm), read from disk. One of the Node-only seams: the
// playground's bundle replaces this module with host/browser/mmu-bytes.ts (same exports), which
// hands over bytes the page fetched (scripts/build-playground.ts maps one to the other).
import { readFileSync } from "node:fs";
import { atRoot } from "./paths.ts";

export function mmuBytes(): Uint8Array<ArrayBuffer> {
  return new Uint8Array(readFileSync(atRoot("build/mmu.wasm")));
}

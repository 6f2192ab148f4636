// Browser twin of host/mmu-bytes.ts: the page fetches build/mmu.wasm and hands the bytes to the
// emulator worker, which sets them here before the first run.
import type * as Node from "../mmu-bytes.ts";

let bytes: Uint8Array<ArrayBuffer> | null = null;

export function setMmuBytes(b: Uint8Array<ArrayBuffer>): void {
  bytes = b;
}

export const mmuBytes: typeof Node.mmuBytes = () => {
  if (bytes === null) throw new Error("internal error: the MMU's bytes were not loaded");
  return bytes;
};

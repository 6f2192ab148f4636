// The bounce buffer between a WASI implementation and the program's virtual memory. The
// implementation sees the shadow (a WebAssembly.Memory as large as the program's memory) as the
// program's memory; each call's pointer arguments are copied from virtual memory into the shadow
// before the call and back after it, through the MMU (host/wasi/preview1.ts says which bytes each
// call reads and writes). The shadow holds bytes only for the length of one call: non-resident
// pages stay where the policy put them.
import type { VirtualMemory } from "../engine.ts";
import { PREVIEW1, type CallMemory, type Region } from "./preview1.ts";

const WASM_PAGE = 65536;

/** A WASI call as an implementation provides it (i64 arguments arrive as BigInt). */
export type WasiCall = (...args: never[]) => number;

export interface MarshalContext {
  argsBytes: [number, number];
  envBytes: [number, number];
  /** Before each call, with its arguments (BigInts as 0). */
  onCall?(name: string, a: number[]): void;
  /** After each call that returned, with its errno; the shadow still holds what the call read and
   *  wrote (it is cleared after this). */
  afterCall?(name: string, a: number[], errno: number, shadow: CallMemory & { bytes(reg: Region): Uint8Array }): void;
}

/** The WASI calls of `calls`, each wrapped to copy its memory arguments between virtual memory and
 *  the shadow (before the call: what it reads; after a successful call: what it wrote). */
export function marshalled(calls: Record<string, WasiCall>, vm: VirtualMemory, shadow: WebAssembly.Memory, ctx: MarshalContext): Record<string, (...args: unknown[]) => number> {
  const out: Record<string, (...args: unknown[]) => number> = {};
  // Only bytes inside the program's memory are copied; the implementation then sees the same
  // bounds as in a plain run (the shadow is as large as virtual memory) and returns its own error
  // for the rest.
  const clamp = (reg: Region): Region | null => {
    const end = Math.min(reg.addr + reg.bytes, vm.bytes());
    return reg.addr < end ? { addr: reg.addr, bytes: end - reg.addr } : null;
  };
  const u32Of = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const before: CallMemory = { argsBytes: ctx.argsBytes, envBytes: ctx.envBytes, u32: (addr) => u32Of(vm.read(addr >>> 0, 4)) };
  const after = {
    ...before,
    u32: (addr: number) => u32Of(new Uint8Array(shadow.buffer, addr >>> 0, 4)),
    bytes: (reg: Region) => {
      const c = clamp(reg);
      return c ? new Uint8Array(shadow.buffer, c.addr, c.bytes) : new Uint8Array(0);
    },
  };
  for (const [name, fn] of Object.entries(calls)) {
    const shape = PREVIEW1[name];
    if (!shape) continue;
    const call = fn as (...args: unknown[]) => number;
    out[name] = (...params: unknown[]) => {
      const a = params.map((p) => (typeof p === "number" ? p : 0));
      ctx.onCall?.(name, a);
      const have = shadow.buffer.byteLength;
      if (vm.bytes() > have) shadow.grow((vm.bytes() - have) / WASM_PAGE);
      const touched: Region[] = [];
      try {
        for (const reg of shape.before?.(a, before) ?? []) {
          const c = clamp(reg);
          if (!c) continue;
          new Uint8Array(shadow.buffer, c.addr, c.bytes).set(vm.read(c.addr, c.bytes));
          touched.push(c);
        }
        const errno = call(...params);
        if (errno === 0) {
          for (const reg of shape.after?.(a, after) ?? []) {
            const c = clamp(reg);
            if (!c) continue;
            vm.write(c.addr, new Uint8Array(shadow.buffer, c.addr, c.bytes));
            touched.push(c);
          }
        }
        ctx.afterCall?.(name, a, errno, after);
        return errno;
      } finally {
        // Also when the call throws (proc_exit unwinds by throwing).
        for (const c of touched) new Uint8Array(shadow.buffer, c.addr, c.bytes).fill(0);
      }
    };
  }
  return out;
}

// What runCommand needs of a WASI implementation (node:wasi in host/wasi/node.ts, @wasmer/wasi in
// host/wasi/wasmer.ts). The implementation sees the shadow as the program's memory; runCommand
// wraps its calls with the marshalling (host/wasi/marshal.ts) and replaces its clocks
// (host/wasi/clocks.ts).
import type { MarshalContext, WasiCall } from "./marshal.ts";

/** A host directory the program sees at `guest`: the directory itself (its writes change the
 *  host's files), or with `copy`, a private in-memory copy of it. */
export interface DirMapping {
  host: string;
  guest: string;
  copy?: boolean;
}

export interface ImplementationOptions {
  /** argv, its name first. */
  args: string[];
  env: Record<string, string>;
  dirs: DirMapping[];
  /** The memory the implementation sees as the program's. */
  shadow: WebAssembly.Memory;
  /** The program's uninstrumented module (what it imports). */
  module: WebAssembly.Module;
  /** The program's output, passed on as each call writes it: fd 1 or fd 2. */
  output(fd: 1 | 2, bytes: Uint8Array): void;
}

export interface WasiImplementation {
  /** The wasi_snapshot_preview1 calls, on the shadow. */
  calls: Record<string, WasiCall>;
  onCall?: MarshalContext["onCall"];
  afterCall?: MarshalContext["afterCall"];
  /** Runs the program (`start` is its _start) and returns its exit code: its proc_exit's, 0 when
   *  _start returns. Throws what the program threw otherwise (a trap). */
  run(start: () => void): number;
  /** Passes on output not yet passed on (after the run). */
  flush?(): void;
  /** Frees what the implementation holds; called once, after the run or when it failed. */
  close(): void;
}

// Registers tsx for the TypeScript sources (binaryen's 14.8 MB index.js does not go through tsx's
// loader, which would take seconds: host/instrument/binaryen.ts reads it itself). Before that,
// V8's flags (why: host/modules.ts), which must be set before any module is compiled
// and never changed after; not in the child process that instruments (host/instrument/child.ts),
// where binaryen runs with flags of its own (host/instrument/spawn.ts).
import v8 from "node:v8";
import { isMainThread } from "node:worker_threads";

if (isMainThread && !process.env.REMORA_INSTRUMENTER) {
  v8.setFlagsFromString("--experimental-wasm-branch-hinting --no-liftoff");
  globalThis[Symbol.for("remora.v8Flags")] = true;
}
const { register } = await import("tsx/esm/api");
register();

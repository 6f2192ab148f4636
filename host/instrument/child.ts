// The instrumenter as a process of its own: `node child.js` reads a line of JSON ({ pageSize,
// prefix }) and a module on stdin and writes it instrumented at PREFIX (files.ts); spawn.ts starts it. remora runs binaryen here, not in its own
// process, because the instrumented module must run on V8's optimizing tier from its first call
// (--no-liftoff, set when remora starts: ../modules.ts), while binaryen, itself a large wasm
// module, starts several times faster on the baseline tier; V8's flags are one per process, and
// changing them while code is being compiled is not safe. An InstrumentError's message goes to
// stderr with exit code 2; anything else, with exit code 1.
import { InstrumentError, instrument } from "./index.ts";
import { saveBinaryenCode } from "./binaryen.ts";
import { writeInstrumented } from "./files.ts";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const input = Buffer.concat(chunks);
const newline = input.indexOf(10);
try {
  // Nothing on stdin: started ahead (spawn.ts) and not needed.
  if (newline < 0) process.exit(0);
  const { pageSize, prefix } = JSON.parse(input.subarray(0, newline).toString()) as { pageSize: number; prefix: string };
  writeInstrumented(prefix, instrument(new Uint8Array(input.subarray(newline + 1)), pageSize));
  saveBinaryenCode(); // after instrumenting: the code of the functions it ran is saved too
} catch (e) {
  process.stderr.write(`${e instanceof InstrumentError ? (e as Error).message : (e as Error).stack}\n`);
  process.exitCode = e instanceof InstrumentError ? 2 : 1;
}

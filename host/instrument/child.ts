// The instrumenter as a process of its own: `node child.js PAGE_SIZE PREFIX` reads a module on
// stdin and writes it instrumented at PREFIX (files.ts). remora runs binaryen here, not in its own
// process, because the instrumented module must run on V8's optimizing tier from its first call
// (--no-liftoff, set when remora starts: ../modules.ts), while binaryen, itself a large wasm
// module, starts several times faster on the baseline tier; V8's flags are one per process, and
// changing them while code is being compiled is not safe. An InstrumentError's message goes to
// stderr with exit code 2; anything else, with exit code 1.
import { InstrumentError, instrument } from "./index.ts";
import { saveBinaryenCode } from "./binaryen.ts";
import { writeInstrumented } from "./files.ts";

const [pageSize, prefix] = process.argv.slice(2);
const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
try {
  writeInstrumented(prefix, instrument(new Uint8Array(Buffer.concat(chunks)), Number(pageSize)));
  saveBinaryenCode(); // after instrumenting: the code of the functions it ran is saved too
} catch (e) {
  process.stderr.write(`${e instanceof InstrumentError ? (e as Error).message : (e as Error).stack}\n`);
  process.exitCode = e instanceof InstrumentError ? 2 : 1;
}

// The instrumenter as a process of its own: `node child.js` reads a line of JSON ({ pageSize,
// prefix }) and a module on stdin, writes it instrumented at PREFIX (files.ts) and then DONE on
// stdout; spawn.ts starts it. remora runs binaryen here, not in its own process, so that it
// works on the other core while remora loads and compiles the module as it is, and so that the
// process that runs the program never holds binaryen's 15 MB of JavaScript; V8's flags there
// (--no-liftoff: ../modules.ts) are not binaryen's (spawn.ts). An InstrumentError's message goes to
// stderr with exit code 2; anything else, with exit code 1.
import { InstrumentError, instrument } from "./index.ts";
import { writeInstrumented } from "./files.ts";
import { DONE } from "./spawn.ts";

const chunks: Buffer[] = [];
for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
const input = Buffer.concat(chunks);
const newline = input.indexOf(10);
try {
  // Nothing on stdin: started ahead (spawn.ts) and not needed.
  if (newline < 0) process.exit(0);
  const { pageSize, prefix } = JSON.parse(input.subarray(0, newline).toString()) as { pageSize: number; prefix: string };
  writeInstrumented(prefix, instrument(new Uint8Array(input.subarray(newline + 1)), pageSize));
  process.stdout.write(DONE); // a pipe: written before this returns
} catch (e) {
  process.stderr.write(`${e instanceof InstrumentError ? (e as Error).message : (e as Error).stack}\n`);
  process.exitCode = e instanceof InstrumentError ? 2 : 1;
}

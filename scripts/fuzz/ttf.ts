// Random valid modules from random bytes: binaryen's `wasm-opt INPUT -ttf` (translate-to-fuzz),
// run inside this process. Spawning node_modules/.bin/wasm-opt costs 0.7-1.3 s a module here (it
// loads and compiles 11 MB of JavaScript and wasm each time); evaluated here once, with its wasm
// compiled once and instantiated afresh for each module (a new instance: the C++ main is not
// re-entrant), a module takes 10-40 ms.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);
const WASM_OPT = join(dirname(require.resolve("binaryen")), "bin", "wasm-opt");

type Factory = (module: object, require: NodeJS.Require, process: NodeJS.Process, filename: string, dirname: string, wasm: typeof WebAssembly) => void;
let factory: Factory | undefined;
let compiled: WebAssembly.Module | undefined;
let dir: string | undefined;

/** wasm-opt failed (an assertion of its fuzzer on some feature combinations): no module. */
export class GeneratorError extends Error {}

// wasm-opt's abort also rejects a promise of its own, inside its startup, which nothing awaits: the
// abort is reported through onAbort below, so that rejection is dropped here.
let quietAborts = false;
function ignoreAborts(): void {
  if (quietAborts) return;
  quietAborts = true;
  process.on("unhandledRejection", (reason) => {
    if (reason instanceof WebAssembly.RuntimeError && reason.message.startsWith("Aborted(")) return;
    throw reason;
  });
}

/** The emscripten build of wasm-opt as a function of its Module object, process and WebAssembly:
 *  the first run compiles its wasm (through this WebAssembly), the later ones reuse it. */
function load(): Factory {
  if (factory === undefined) {
    const source = readFileSync(WASM_OPT, "utf8").replace(/^#!.*\n/, "");
    factory = new Function("Module", "require", "process", "__filename", "__dirname", "WebAssembly", source) as Factory;
  }
  return factory;
}

const capture: typeof WebAssembly = Object.create(WebAssembly, {
  instantiate: {
    value: async (binary: BufferSource, imports: WebAssembly.Imports) => {
      compiled ??= new WebAssembly.Module(binary);
      return { module: compiled, instance: new WebAssembly.Instance(compiled, imports) };
    },
  },
});

/** Runs `wasm-opt ARGS` (files on the real file system); resolves with its exit code and stderr. */
export function wasmOpt(args: string[]): Promise<{ code: number; stderr: string }> {
  const run = load();
  ignoreAborts();
  return new Promise((resolve, reject) => {
    let stderr = "";
    // Its own process.argv and exit code; everything else is this process's.
    const proc = Object.create(process, {
      argv: { value: [process.execPath, WASM_OPT, ...args] },
      exitCode: { value: 0, writable: true },
    }) as NodeJS.Process;
    const done = () => resolve({ code: Number(proc.exitCode ?? 0), stderr });
    const Module: Record<string, unknown> = {
      printErr: (text: string) => { stderr += `${text}\n`; },
      print: () => {},
      postRun: [done],
      onExit: done,
      onAbort: (what: unknown) => reject(new GeneratorError(`wasm-opt aborted: ${String(what)} ${stderr}`)),
    };
    if (compiled !== undefined) {
      const module = compiled;
      Module.instantiateWasm = (imports: WebAssembly.Imports, receive: (i: WebAssembly.Instance) => void) => {
        receive(new WebAssembly.Instance(module, imports));
        return {};
      };
    }
    try {
      run(Module, require, proc, WASM_OPT, dirname(WASM_OPT), capture);
    } catch (e) {
      reject(e);
    }
  });
}

/** A valid module made from `input` by translate-to-fuzz, with wasm-opt's feature flags
 *  `features` (and --fuzz-passes when `passes`: random optimizations shape it further). */
export async function translateToFuzz(input: Uint8Array, features: string[], passes: boolean): Promise<Uint8Array> {
  if (dir === undefined) {
    const made = mkdtempSync(join(tmpdir(), "remora-ttf-"));
    dir = made;
    process.once("exit", () => rmSync(made, { recursive: true, force: true }));
  }
  const inFile = join(dir, "input.dat");
  const outFile = join(dir, "out.wasm");
  writeFileSync(inFile, input);
  rmSync(outFile, { force: true });
  // --strip-dwarf: a pass that changes nothing here (no DWARF), so that wasm-opt does not warn
  // "no passes specified" on every module.
  const { code, stderr } = await wasmOpt([inFile, "-ttf", ...(passes ? ["--fuzz-passes"] : []), ...features, "--strip-dwarf", "-o", outFile]);
  if (code !== 0) throw new GeneratorError(`wasm-opt -ttf failed (exit code ${code}): ${stderr.trim()}`);
  return new Uint8Array(readFileSync(outFile));
}

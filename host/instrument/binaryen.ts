// binaryen.js, loaded without its embedded module. binaryen.js is 14.8 MB of JavaScript, 14.7 MB
// of it binaryen's own wasm module written as one template literal that it decodes at each start:
// V8 parsed 14.8 MB and binaryen decoded 9.9 MB before anything ran. So the first start here splits
// it in two, in code/ of the cache folder of instrumented modules (host/modules.ts): the script
// without the literal (180 KB) and the module's bytes, one pair per binaryen version; each later
// start reads those. Loading binaryen took 0.37-0.43 s as a plain import, 0.18 s from V8's code
// cache of the whole script (the way here before), and 0.08-0.10 s split, where V8's code cache
// no longer gains anything (bench/RESULTS.md, "Start-up"). It changes nothing binaryen does, so
// --no-cache, which is about instrumented modules, leaves it on.
//
// The script is binaryen's own index.js with four constructs replaced (its import.meta.url, its
// dynamic import of node:module, its default export, the literal), found by their exact text:
// when a binaryen release changes them, this falls back to a plain import.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import vm from "node:vm";
import type Binaryen from "binaryen";
import { cacheDir } from "../paths.ts";

// The types binaryen's namespace declares, under the name of the value exported here.
// eslint-disable-next-line @typescript-eslint/no-namespace
declare namespace binaryen {
  export type Module = Binaryen.Module;
  export type ExpressionRef = Binaryen.ExpressionRef;
  export type FunctionRef = Binaryen.FunctionRef;
  export type Type = Binaryen.Type;
  export type ExpressionInfo = Binaryen.ExpressionInfo;
  export type LoadInfo = Binaryen.LoadInfo;
  export type StoreInfo = Binaryen.StoreInfo;
  export type BinaryInfo = Binaryen.BinaryInfo;
  export type IfInfo = Binaryen.IfInfo;
  export type FunctionInfo = Binaryen.FunctionInfo;
}

const ENTRY = fileURLToPath(import.meta.resolve("binaryen"));
const VERSION = (JSON.parse(readFileSync(join(dirname(ENTRY), "package.json"), "utf8")) as { version: string }).version;
const EXPORT = "var jr=await S6(),$r=jr;export{$r as default};";
const IMPORT = 'await import("node:module")';
const META = "import.meta.url";
const WASM = "bA??=x6(`"; // x6 turns the literal's characters, each below 256, into bytes

/** binaryen's script with the four constructs replaced, and its wasm module's bytes. */
interface Split {
  script: string;
  wasm: Uint8Array;
}

/** index.js split, or null when this release's text is not the one expected. */
function split(source: string): Split | null {
  if (source.split(EXPORT).length !== 2 || source.split(IMPORT).length !== 2 || source.split(META).length !== 3 || source.split(WASM).length !== 2) return null;
  const open = source.indexOf(WASM) + WASM.length - 1; // the literal's opening backquote
  let close = open + 1;
  while (close < source.length && source[close] !== "`") close += source[close] === "\\" ? 2 : 1;
  if (source[close + 1] !== ")") return null;
  const text = vm.runInThisContext(source.slice(open, close + 1)) as unknown;
  if (typeof text !== "string" || !/^\0asm[\0-\xff]*$/.test(text)) return null;
  const body = source.slice(0, open - "x6(".length) + "__remora_wasm" + source.slice(close + 2);
  return {
    script: body.replaceAll(META, "__remora_url").replace(IMPORT, "await __remora_import(\"node:module\")").replace(EXPORT, "return await S6();"),
    wasm: Buffer.from(text, "latin1"),
  };
}

/** The split from code/, or made now and saved there (an error saving is ignored: a read-only
 *  home, a full disk; the next start splits again). */
function splitBinaryen(stem: string): Split | null {
  try {
    if (existsSync(`${stem}.js`) && existsSync(`${stem}.wasm`)) return { script: readFileSync(`${stem}.js`, "latin1"), wasm: readFileSync(`${stem}.wasm`) };
  } catch {
    // unreadable: split again
  }
  const made = split(readFileSync(ENTRY, "latin1")); // all ASCII
  if (made === null) return null;
  try {
    mkdirSync(dirname(stem), { recursive: true });
    for (const [ext, data] of [["wasm", made.wasm], ["js", made.script]] as const) {
      const temporary = `${stem}.${ext}.${process.pid}`;
      writeFileSync(temporary, data, "latin1");
      renameSync(temporary, `${stem}.${ext}`);
    }
  } catch {
    // not saved
  }
  return made;
}

async function load(): Promise<typeof Binaryen> {
  const stem = join(cacheDir(), "code", `binaryen-${VERSION}`);
  const parts = splitBinaryen(stem);
  if (parts === null) return (await import("binaryen")).default; // a release this loader does not know
  try {
    const script = new vm.Script(`(async function (__remora_url, __remora_import, __remora_wasm) {${parts.script}\n})`, { filename: ENTRY });
    const start = script.runInThisContext() as (url: string, load: (s: string) => Promise<unknown>, wasm: Uint8Array) => Promise<typeof Binaryen>;
    return await start(pathToFileURL(ENTRY).href, (specifier) => import(specifier), parts.wasm);
  } catch {
    // A damaged pair (binaryen said why on stderr): the plain import now, a new split next time.
    for (const ext of ["js", "wasm"]) rmSync(`${stem}.${ext}`, { force: true });
    return (await import("binaryen")).default;
  }
}

const binaryen = await load();
export default binaryen;

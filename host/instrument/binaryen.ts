// binaryen.js, loaded through V8's code cache. binaryen.js is 14.8 MB of JavaScript (binaryen
// compiled by wasm2js); importing it costs about 0.4 s of parsing and compiling at every start,
// and instrumenting compiles many of its functions again, lazily. Node 20 has no compile cache for
// modules, but vm.Script takes V8's cached data: the instrumenting child (child.ts) saves it after
// its first module, functions compiled while instrumenting included, and every later start loads
// binaryen from it (0.18 s against 0.37-0.43 s: bench/RESULTS.md). The cache is a file in code/ of the cache folder of instrumented
// modules (host/modules.ts), one per binaryen version, Node version and architecture; V8 rejects
// data made under other flags, and the code then compiles as usual. It changes nothing binaryen
// does, so --no-cache, which is about instrumented modules, leaves it on.
//
// The script is binaryen's own index.js with its three module-only constructs replaced (its
// import.meta.url, its dynamic import of node:module, its default export), found by their exact
// text: when a binaryen release changes them, this falls back to a plain import.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
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

let script: vm.Script | null = null;
let cacheFile = "";
let cacheUsed = false;

async function load(): Promise<typeof Binaryen> {
  const source = readFileSync(ENTRY, "utf8");
  if (source.split(EXPORT).length !== 2 || source.split(IMPORT).length !== 2 || source.split(META).length !== 3) {
    return (await import("binaryen")).default; // a release this loader does not know
  }
  const body = source.replaceAll(META, "__remora_url").replace(IMPORT, "await __remora_import(\"node:module\")").replace(EXPORT, "return await S6();");
  cacheFile = join(cacheDir(), "code", `binaryen-${VERSION}-node${process.version}-${process.arch}.code`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = existsSync(cacheFile) ? readFileSync(cacheFile) : undefined;
  } catch {
    cachedData = undefined; // unreadable: compile as usual
  }
  script = new vm.Script(`(async function (__remora_url, __remora_import) {${body}\n})`, { filename: ENTRY, cachedData });
  cacheUsed = cachedData !== undefined && !script.cachedDataRejected;
  const start = script.runInThisContext() as (url: string, load: (s: string) => Promise<unknown>) => Promise<typeof Binaryen>;
  return start(pathToFileURL(ENTRY).href, (specifier) => import(specifier));
}

const binaryen = await load();
export default binaryen;

/** Saves V8's code for binaryen (what this process compiled so far) to the cache, unless it was
 *  loaded from there. The instrumenting child calls it after its module; an error is ignored (a
 *  read-only home, a full disk): the cache only saves time. */
export function saveBinaryenCode(): void {
  if (script === null || cacheUsed) return;
  try {
    mkdirSync(dirname(cacheFile), { recursive: true });
    const temporary = `${cacheFile}.${process.pid}`;
    writeFileSync(temporary, script.createCachedData());
    renameSync(temporary, cacheFile);
    cacheUsed = true;
  } catch {
    // the next start compiles again
  }
}

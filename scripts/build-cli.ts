// Bundles the compiled command line (dist/host/cli.js, from tsc) into dist/host/cli.bundle.js,
// which bin/remora runs: one file (and a chunk per command loaded on demand, beside it) in place of
// about 150 modules, zod's and commander's among them. Node 20's module loader spent 120 ms on
// them at every start; the bundle takes about 60 (bench/RESULTS.md, "Start-up and instrumenting").
// Packages that find files beside themselves (piscina's worker), load their own wasm (binaryen,
// @wasmer/wasi) or are large and seldom used stay outside, imported from node_modules as before.
// The chunks sit beside the entry in dist/host/, so code that looks for files from its
// import.meta.url finds what it would from its own module there; the modules remora starts as
// workers or child processes are found from the package's root (host/paths.ts, packageModule).
import { build } from "esbuild";
import { rmSync, readdirSync } from "node:fs";
import { join } from "node:path";

const host = new URL("../dist/host/", import.meta.url).pathname;
/** The packages bundled: the rest are imported from node_modules. */
const BUNDLED = new Set(["commander", "zod", "lz4js"]);

export async function buildCli(): Promise<void> {
  for (const f of readdirSync(host)) if (f.startsWith("cli.bundle") || f.startsWith("cli.chunk-")) rmSync(join(host, f));
  await build({
    entryPoints: { "cli.bundle": join(host, "cli.js") },
    outdir: host,
    chunkNames: "cli.chunk-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    logLevel: "warning",
    // commander is CommonJS and requires Node's modules.
    banner: { js: "import { createRequire as __remoraRequire } from 'node:module'; const require = __remoraRequire(import.meta.url);" },
    plugins: [{
      name: "remora-externals",
      setup(b) {
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          const name = args.path.startsWith("@") ? args.path.split("/").slice(0, 2).join("/") : args.path.split("/")[0];
          return args.path.startsWith("node:") || !BUNDLED.has(name) ? { path: args.path, external: true } : undefined;
        });
      },
    }],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) await buildCli();

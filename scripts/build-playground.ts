// Builds the playground (bench/web/playground/) into build/playground/, a static folder that
// `remora dashboard` serves at /playground and `remora reproduce` copies into its results.
//
// The browser runs remora's own modules: esbuild bundles host/run.ts and everything it imports.
// The few modules that reach Node (a file, a thread pool, a child process) are swapped for their
// browser twins in host/browser/ (same exports; each twin's types are checked against the Node
// module's), and every node: import for a stub that fails if called (host/browser/node-stub.cjs),
// so the bundle loads nothing from Node and requests nothing but its own folder's files.
import { build, type Plugin } from "esbuild";
import { copyFileSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const out = join(root, "build/playground");

/** Node module -> its browser twin. */
const TWINS: Record<string, string> = {
  "host/mmu-bytes.ts": "host/browser/mmu-bytes.ts",
  "host/swapfile.ts": "host/browser/swapfile.ts",
  "host/modules.ts": "host/browser/modules.ts",
  "host/compression/deflate.ts": "host/browser/deflate.ts",
  "host/instrument/binaryen.ts": "host/browser/binaryen.ts",
};

const browserSeams: Plugin = {
  name: "remora-browser-seams",
  setup(b) {
    const twins = new Map(Object.entries(TWINS).map(([from, to]) => [join(root, from), join(root, to)]));
    b.onResolve({ filter: /^\.\.?\// }, (args) => {
      const twin = twins.get(resolve(args.resolveDir, args.path));
      return twin === undefined ? undefined : { path: twin };
    });
    b.onResolve({ filter: /^piscina$/ }, () => ({ path: join(root, "host/browser/piscina.ts") }));
    b.onResolve({ filter: /^node:/ }, () => ({ path: join(root, "host/browser/node-stub.cjs") }));
  },
};

export async function buildPlayground(): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "workloads"), { recursive: true });
  await build({
    entryPoints: {
      emulator: join(root, "host/browser/emulator-worker.ts"),
      "server-worker": join(root, "host/browser/server-worker-main.ts"),
      page: join(root, "bench/web/playground/page.ts"),
    },
    outdir: out,
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    plugins: [browserSeams],
    // The memory engine names a run by its process (Redis keys), and the Redis transport reads
    // its environment; a page has one process and no environment.
    define: { "process.pid": "0", "process.env": "{}" },
    logLevel: "warning",
  });
  for (const f of ["index.html", "style.css"]) copyFileSync(join(root, "bench/web/playground", f), join(out, f));
  copyFileSync(join(root, "build/mmu.wasm"), join(out, "mmu.wasm"));
  for (const f of readdirSync(join(root, "build/workloads")).filter((f) => f.endsWith(".wasm"))) {
    copyFileSync(join(root, "build/workloads", f), join(out, "workloads", f));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildPlayground();
  console.log(`built the playground into ${out}`);
}

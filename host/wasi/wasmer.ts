// WASI through @wasmer/wasi, on its in-memory file system: for where node:wasi is not (a browser).
// remora runs on node:wasi; this one is chosen with runCommand's `wasi: "wasmer"`. Each directory
// is copied into the MemFS before the run (only private copies can be given); what the program
// writes there stays in the run. Output is taken from wasmer's stdout and stderr buffers after
// each write. Its MemFS is not a faithful file system (as found with test/fixtures/files.c: a
// non-empty directory can be removed, a file patched with pwrite and truncated reads back wrong,
// `..` reaches the MemFS root), so node:wasi serves --dir-copy.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { init, MemFS, WASI } from "@wasmer/wasi";
import { ConfigError } from "../config.ts";
import type { ImplementationOptions, WasiImplementation } from "./implementation.ts";
import type { WasiCall } from "./marshal.ts";

let ready: Promise<void> | undefined;

/** Copies a host directory tree (its directories and regular files) into the in-memory file system. */
function copyIn(fs: MemFS, host: string, guest: string): void {
  const parts = guest.split("/").filter(Boolean);
  for (let i = 1; i <= parts.length; i++) {
    const path = `/${parts.slice(0, i).join("/")}`;
    try {
      fs.createDir(path);
    } catch {
      // already there: a parent of another mapping
    }
  }
  for (const entry of readdirSync(host, { withFileTypes: true })) {
    const from = join(host, entry.name);
    const to = `${guest.replace(/\/$/, "")}/${entry.name}`;
    if (entry.isDirectory()) copyIn(fs, from, to);
    else if (entry.isFile()) fs.open(to, { read: true, write: true, create: true }).write(readFileSync(from));
  }
}

export async function wasmerImplementation(o: ImplementationOptions): Promise<WasiImplementation> {
  ready ??= init();
  await ready;
  const shared = o.dirs.find((d) => !d.copy);
  if (shared) throw new ConfigError(`@wasmer/wasi cannot write to the host's ${shared.host}: give it as a private copy (--dir-copy)`);
  const fs = new MemFS();
  const preopens: Record<string, string> = {};
  for (const dir of o.dirs) {
    copyIn(fs, dir.host, dir.guest);
    preopens[dir.guest] = dir.guest;
  }
  const wasi = new WASI({ args: o.args, env: o.env, preopens, fs });
  const drain = () => {
    const out = wasi.getStdoutBuffer();
    if (out.length > 0) o.output(1, out);
    const err = wasi.getStderrBuffer();
    if (err.length > 0) o.output(2, err);
  };
  let exitCode: number | null = null;
  return {
    calls: (wasi.getImports(o.module) as WebAssembly.Imports).wasi_snapshot_preview1 as Record<string, WasiCall>,
    onCall: (name, a) => {
      if (name === "proc_exit") exitCode = a[0] >>> 0;
    },
    afterCall: (name) => {
      if (name === "fd_write" || name === "fd_pwrite") drain();
    },
    run: (start) => {
      // wasmer reads the memory through the instance it is given: one with the shadow as its
      // memory. _start is called here rather than by wasi.start(), which would hold the WASI object
      // for the whole run, so that output can be passed on as it is written.
      wasi.instantiate(Object.create(WebAssembly.Instance.prototype, { exports: { value: { memory: o.shadow, _start: start } } }), {});
      try {
        start();
        return 0;
      } catch (e) {
        if (exitCode !== null) return exitCode; // proc_exit unwinds by throwing
        throw e;
      }
    },
    flush: drain,
    close: () => wasi.free(),
  };
}

// WASI through Node's own node:wasi (uvwasi): what `--dir` and runs without directories use. Its
// preopens are the host directories themselves, so what the program writes there is written to
// the host. Paths that leave them (`..`, symlinks) are refused: node:wasi refuses `..` itself, and
// host/wasi/sandbox.ts closes the ways out through symlinks that node:wasi leaves open. A
// directory given as a private copy (--dir-copy) is copied to a temporary directory first (its
// symlinks as they are), which is preopened the same way and removed after the run.
//
// node:wasi wants an instance whose exports.memory is a WebAssembly.Memory: it gets one whose
// memory is the shadow and whose _start runs the program's, and wasi.start() runs it with
// returnOnExit, so proc_exit is node:wasi's own. It looks up memory.buffer at every call, so the
// shadow may grow with the program's memory. The program's stdin, stdout and stderr are /dev/null
// to uvwasi: a read of stdin sees end of file, and what the program writes to fd 1 and fd 2 is
// taken from the shadow after each successful fd_write and passed on.
import { closeSync, cpSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { devNull, tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../config.ts";
import type { DirMapping, ImplementationOptions, WasiImplementation } from "./implementation.ts";
import type { WasiCall } from "./marshal.ts";
import { iovecs, prefix } from "./preview1.ts";
import { sandboxed } from "./sandbox.ts";

type NodeWasi = typeof import("node:wasi");
let loaded: NodeWasi | undefined;

/** node:wasi, loaded without its ExperimentalWarning ("WASI is an experimental feature ..."),
 *  which would appear on every remora run; any other warning passes. */
function nodeWasi(): NodeWasi {
  if (loaded) return loaded;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: unknown, warning: string | Error, ...rest: unknown[]) {
    const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type ?? (warning instanceof Error ? warning.name : undefined);
    const message = typeof warning === "string" ? warning : warning.message;
    if (type === "ExperimentalWarning" && message.startsWith("WASI is an experimental feature")) return;
    return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    loaded = createRequire(import.meta.url)("node:wasi") as NodeWasi;
  } finally {
    process.emitWarning = emitWarning;
  }
  return loaded;
}

export function nodeImplementation(o: ImplementationOptions): WasiImplementation {
  const { WASI } = nodeWasi();
  const fds: number[] = [];
  let copies: string | undefined;
  const close = () => {
    for (const fd of fds.splice(0)) closeSync(fd);
    if (copies !== undefined) rmSync(copies, { recursive: true, force: true });
    copies = undefined;
  };
  let wasi: InstanceType<NodeWasi["WASI"]>;
  let dirs: DirMapping[];
  let calls: Record<string, WasiCall>;
  try {
    dirs = o.dirs.map((d, i) => {
      if (!d.copy) return d;
      copies ??= mkdtempSync(join(tmpdir(), "remora-dir-copy-"));
      const host = join(copies, String(i));
      try {
        cpSync(d.host, host, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      } catch (e) {
        throw new ConfigError(`--dir-copy ${d.host}: cannot copy it: ${e instanceof Error ? e.message : e}`);
      }
      return { host, guest: d.guest };
    });
    // One preopen a guest path (the last mapping given for it), in the order node:wasi numbers them.
    const preopens = Object.fromEntries(dirs.map((d) => [d.guest, d.host]));
    dirs = Object.entries(preopens).map(([guest, host]) => ({ host, guest }));
    for (const flags of ["r", "w", "w"]) fds.push(openSync(devNull, flags));
    wasi = new WASI({
      version: "preview1",
      args: o.args,
      env: o.env,
      preopens,
      stdin: fds[0],
      stdout: fds[1],
      stderr: fds[2],
      returnOnExit: true,
    });
    calls = sandboxed(wasi.wasiImport as Record<string, WasiCall>, o.shadow, dirs);
  } catch (e) {
    close();
    throw e;
  }
  // The program's fds that are its stdout and stderr: 1 and 2 until it closes or renumbers them.
  const consoles = new Map<number, 1 | 2>([[1, 1], [2, 2]]);
  return {
    calls,
    afterCall: (name, a, errno, m) => {
      if (errno !== 0) return;
      if (name === "fd_write" || name === "fd_pwrite") {
        const fd = consoles.get(a[0]);
        if (fd === undefined) return;
        const written = prefix(iovecs(m, a[1], a[2]), m.u32(a[name === "fd_write" ? 3 : 4]));
        const bytes = Buffer.concat(written.map((reg) => m.bytes(reg)));
        if (bytes.length > 0) o.output(fd, bytes);
      } else if (name === "fd_close") {
        consoles.delete(a[0]);
      } else if (name === "fd_renumber") {
        const from = consoles.get(a[0]);
        consoles.delete(a[0]);
        if (from === undefined) consoles.delete(a[1]);
        else consoles.set(a[1], from);
      }
    },
    run: (start) => wasi.start({ exports: { memory: o.shadow, _start: start } }),
    close,
  };
}

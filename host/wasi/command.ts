// Runs an unmodified WASI command module (any wasm32-wasi program with a _start) in the emulator.
// @wasmer/wasi implements the calls; it sees a bounce buffer (the shadow) as the program's memory,
// and each call's pointer arguments are copied between the shadow and the program's *virtual*
// memory through the MMU (host/wasi/preview1.ts says which bytes each call reads and writes).
// The shadow holds bytes only for the length of one call: non-resident pages stay where the
// policy put them.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { init, MemFS, WASI } from "@wasmer/wasi";
import { ConfigError, resolveConfig, type RunConfig, type RunOptions } from "../config.ts";
import { runInstrumented, type EngineOptions, type EngineRun, type Entry, type VirtualMemory } from "../engine.ts";
import { prepare } from "../modules.ts";
import { engineFigures, type Figures } from "../run.ts";
import { PREVIEW1, type CallMemory, type Region } from "./preview1.ts";

/** A host directory the program sees at `guest` (a copy: the program's writes stay in the run). */
export interface DirMapping {
  host: string;
  guest: string;
}

export interface CommandOptions {
  /** The program's arguments after its name (argv[1..]). */
  args?: string[];
  env?: Record<string, string>;
  dirs?: DirMapping[];
  /** Called with each piece of output as the program writes it. */
  onStdout?: (bytes: Uint8Array) => void;
  onStderr?: (bytes: Uint8Array) => void;
}

export interface CommandResult extends Figures {
  program: string;
  policy: string;
  config: RunConfig;
  args: string[];
  /** The program's exit code: its proc_exit, 0 when _start returns, TRAP_EXIT_CODE on a trap. */
  exitCode: number;
  /** The trap that ended the program, e.g. "memory access out of bounds: 4 bytes at virtual
   *  address 0x12345678", or null. */
  trap: string | null;
  stdout: string;
  stderr: string;
}

/** The exit code of a program that trapped, as a Unix shell reports an abort (128 + SIGABRT). */
export const TRAP_EXIT_CODE = 134;
const WASM_PAGE = 65536;

/** "HOST:GUEST" or "DIR" (the same path in both) -> a mapping; GUEST is absolute in the program. */
export function parseDir(text: string): DirMapping {
  const i = text.lastIndexOf(":");
  const host = i > 0 ? text.slice(0, i) : text;
  const guest = i > 0 ? text.slice(i + 1) : text;
  let isDir = false;
  try {
    isDir = statSync(host).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new ConfigError(`--dir ${text}: ${host} is not a directory`);
  if (guest === "") throw new ConfigError(`--dir ${text}: give the directory's name in the program after the colon`);
  return { host, guest: guest.startsWith("/") ? guest : `/${guest}` };
}

/** "KEY=VALUE" -> [KEY, VALUE]. */
export function parseEnv(text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new ConfigError(`--env ${text}: write KEY=VALUE`);
  return [text.slice(0, i), text.slice(i + 1)];
}

/** Copies a host directory tree into the in-memory file system the program sees. */
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

const utf8Bytes = (strings: string[]): [number, number] =>
  [strings.length, strings.reduce((sum, s) => sum + Buffer.byteLength(s) + 1, 0)];

let wasmerReady: Promise<void> | undefined;

/** Runs a WASI command under the options' policy; the program's output is in the result and,
 *  as it is written, passed to onStdout / onStderr. */
export async function runCommand(options: RunOptions, command: CommandOptions = {}, extras: EngineOptions = {}): Promise<CommandResult & { engine: EngineRun }> {
  const config = resolveConfig(options);
  const prepared = prepare(config);
  if (prepared.kind !== "command") throw new ConfigError(`${config.workload} is not a WASI command: it exports no _start`);
  wasmerReady ??= init();
  await wasmerReady;

  const args = [config.workload, ...(command.args ?? [])];
  const env = command.env ?? {};
  const fs = new MemFS();
  const preopens: Record<string, string> = {};
  for (const dir of command.dirs ?? []) {
    copyIn(fs, dir.host, dir.guest);
    preopens[dir.guest] = dir.guest;
  }
  const wasi = new WASI({ args, env, preopens, fs });
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  const drain = () => {
    const out = wasi.getStdoutBuffer();
    if (out.length > 0) {
      stdout.push(out);
      command.onStdout?.(out);
    }
    const err = wasi.getStderrBuffer();
    if (err.length > 0) {
      stderr.push(err);
      command.onStderr?.(err);
    }
  };

  const shadow = new WebAssembly.Memory({ initial: 0, maximum: 65536 });
  let exitCode: number | null = null;
  let trap: string | null = null;
  const entry: Entry = {
    imports: (vm) => ({ wasi_snapshot_preview1: marshalled(wasi.getImports(prepared.native) as WebAssembly.Imports, vm, shadow, {
      argsBytes: utf8Bytes(args),
      envBytes: utf8Bytes(Object.entries(env).map(([k, v]) => `${k}=${v}`)),
      onCall: (name, a) => {
        if (name === "proc_exit") exitCode = a[0] >>> 0;
      },
      afterCall: (name) => {
        if (name === "fd_write" || name === "fd_pwrite") drain();
      },
    }) }),
    start: (instance) => {
      // wasmer reads the memory through the instance it is given: the program's exports, with the
      // shadow as its memory. _start is called here rather than by wasi.start(), which would hold
      // the WASI object for the whole run, so that output can be passed on as it is written.
      const exports = { ...instance.exports, memory: shadow };
      wasi.instantiate(Object.create(WebAssembly.Instance.prototype, { exports: { value: exports } }), {});
      try {
        (instance.exports._start as () => void)();
        return 0;
      } catch (e) {
        if (exitCode !== null) return exitCode; // proc_exit unwinds by throwing
        trap = e instanceof Error ? e.message : String(e);
        return TRAP_EXIT_CODE;
      } finally {
        drain();
      }
    },
  };
  const engine = await runInstrumented(config, prepared.instrumented, prepared.trapped, extras, entry);
  wasi.free();
  return {
    program: config.workload,
    policy: config.policy,
    config,
    args: args.slice(1),
    exitCode: engine.checksum,
    trap,
    stdout: Buffer.concat(stdout).toString(),
    stderr: Buffer.concat(stderr).toString(),
    ...engineFigures(config, engine),
    engine,
  };
}

interface MarshalContext {
  argsBytes: [number, number];
  envBytes: [number, number];
  onCall(name: string, a: number[]): void;
  afterCall(name: string): void;
}

/** The WASI calls, each wrapped to copy its memory arguments between virtual memory and the
 *  shadow (before the call: what it reads; after a successful call: what it wrote). */
function marshalled(imports: WebAssembly.Imports, vm: VirtualMemory, shadow: WebAssembly.Memory, ctx: MarshalContext): WebAssembly.ModuleImports {
  const raw = imports.wasi_snapshot_preview1 as Record<string, (...args: unknown[]) => number>;
  const out: Record<string, (...args: unknown[]) => number> = {};
  // Only bytes inside the program's memory are copied; wasmer then sees the same bounds as in a
  // plain run (the shadow is as large as virtual memory) and returns its own error for the rest.
  const clamp = (reg: Region): Region | null => {
    const end = Math.min(reg.addr + reg.bytes, vm.bytes());
    return reg.addr < end ? { addr: reg.addr, bytes: end - reg.addr } : null;
  };
  const u32Of = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
  const before: CallMemory = { argsBytes: ctx.argsBytes, envBytes: ctx.envBytes, u32: (addr) => u32Of(vm.read(addr >>> 0, 4)) };
  const after: CallMemory = { ...before, u32: (addr) => u32Of(new Uint8Array(shadow.buffer, addr >>> 0, 4)) };
  for (const [name, fn] of Object.entries(raw)) {
    const shape = PREVIEW1[name];
    if (!shape) continue;
    out[name] = (...params: unknown[]) => {
      const a = params.map((p) => (typeof p === "number" ? p : 0));
      ctx.onCall(name, a);
      const have = shadow.buffer.byteLength;
      if (vm.bytes() > have) shadow.grow((vm.bytes() - have) / WASM_PAGE);
      const touched: Region[] = [];
      for (const reg of shape.before?.(a, before) ?? []) {
        const c = clamp(reg);
        if (!c) continue;
        new Uint8Array(shadow.buffer, c.addr, c.bytes).set(vm.read(c.addr, c.bytes));
        touched.push(c);
      }
      const errno = fn(...params);
      if (errno === 0) {
        for (const reg of shape.after?.(a, after) ?? []) {
          const c = clamp(reg);
          if (!c) continue;
          vm.write(c.addr, new Uint8Array(shadow.buffer, c.addr, c.bytes));
          touched.push(c);
        }
      }
      for (const c of touched) new Uint8Array(shadow.buffer, c.addr, c.bytes).fill(0);
      ctx.afterCall(name);
      return errno;
    };
  }
  return out;
}

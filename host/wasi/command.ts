// Runs an unmodified WASI command module (any wasm32-wasi program with a _start) in the emulator.
// A WASI implementation runs the calls: node:wasi (host/wasi/node.ts), whose preopens are the host
// directories themselves (--dir) or temporary copies of them (--dir-copy), behind remora's own
// path checks (host/wasi/sandbox.ts); or, where node:wasi is not, @wasmer/wasi on an in-memory
// file system (host/wasi/wasmer.ts). It sees a bounce buffer (the shadow) as the program's
// memory, and each call's pointer arguments are copied between the shadow and the program's
// *virtual* memory through the MMU (host/wasi/marshal.ts; host/wasi/preview1.ts says which bytes
// each call reads and writes). The clocks are remora's own (host/wasi/clocks.ts).
import { statSync } from "node:fs";
import { ConfigError, resolveConfig, type RunConfig, type RunOptions } from "../config.ts";
import { runInstrumented, type EngineOptions, type EngineRun, type Entry } from "../engine.ts";
import { prepare } from "../modules.ts";
import { engineFigures, type Figures } from "../run.ts";
import { Clocks } from "./clocks.ts";
import type { DirMapping, WasiImplementation } from "./implementation.ts";
import { marshalled } from "./marshal.ts";
import { nodeImplementation } from "./node.ts";

export type { DirMapping } from "./implementation.ts";

export interface CommandOptions {
  /** The program's arguments after its name (argv[1..]). */
  args?: string[];
  env?: Record<string, string>;
  dirs?: DirMapping[];
  /** Called with each piece of output as the program writes it. */
  onStdout?: (bytes: Uint8Array) => void;
  onStderr?: (bytes: Uint8Array) => void;
  /** The WASI implementation: node:wasi (the default), or @wasmer/wasi on an in-memory file
   *  system, where every directory must be a private copy (host/wasi/wasmer.ts). */
  wasi?: "node" | "wasmer";
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

// TextEncoder and TextDecoder rather than Buffer: the playground runs this in a browser too.
const UTF8 = new TextEncoder();

/** The chunks of an output stream as text (invalid UTF-8 as U+FFFD, as Buffer's toString does). */
function decodeUtf8(chunks: Uint8Array[]): string {
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

/** "HOST:GUEST" or "DIR" (the same path in both) -> a mapping; GUEST is absolute in the program.
 *  From --dir the program sees the host directory itself; from --dir-copy, a private copy. */
export function parseDir(text: string, option: "--dir" | "--dir-copy" = "--dir"): DirMapping {
  return option === "--dir-copy" ? { ...mapping(text, option), copy: true } : mapping(text, option);
}

function mapping(text: string, option: string): DirMapping {
  const i = text.lastIndexOf(":");
  const host = i > 0 ? text.slice(0, i) : text;
  const guest = i > 0 ? text.slice(i + 1) : text;
  let isDir = false;
  try {
    isDir = statSync(host).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new ConfigError(`${option} ${text}: ${host} is not a directory`);
  if (guest === "") throw new ConfigError(`${option} ${text}: give the directory's name in the program after the colon`);
  return { host, guest: guest.startsWith("/") ? guest : `/${guest}` };
}

/** "KEY=VALUE" -> [KEY, VALUE]. */
export function parseEnv(text: string): [string, string] {
  const i = text.indexOf("=");
  if (i <= 0) throw new ConfigError(`--env ${text}: write KEY=VALUE`);
  return [text.slice(0, i), text.slice(i + 1)];
}

const utf8Bytes = (strings: string[]): [number, number] =>
  [strings.length, strings.reduce((sum, s) => sum + UTF8.encode(s).length + 1, 0)];

/** Runs a WASI command under the options' policy; the program's output is in the result and,
 *  as it is written, passed to onStdout / onStderr. */
export async function runCommand(options: RunOptions, command: CommandOptions = {}, extras: EngineOptions = {}): Promise<CommandResult & { engine: EngineRun }> {
  const config = resolveConfig(options);
  const prepared = await prepare(config);
  if (prepared.kind !== "command") throw new ConfigError(`${config.workload} is not a WASI command: it exports no _start`);
  const dirs = command.dirs ?? [];

  const args = [config.workload, ...(command.args ?? [])];
  const env = command.env ?? {};
  const stdout: Uint8Array[] = [];
  const stderr: Uint8Array[] = [];
  const output = (fd: 1 | 2, bytes: Uint8Array) => {
    (fd === 1 ? stdout : stderr).push(bytes);
    (fd === 1 ? command.onStdout : command.onStderr)?.(bytes);
  };
  const shadow = new WebAssembly.Memory({ initial: 0, maximum: 65536 });
  const setup = { args, env, dirs, shadow, module: prepared.native, output };
  // @wasmer/wasi is loaded only when asked for: every other run starts without it.
  const wasi: WasiImplementation = command.wasi === "wasmer"
    ? await (await import("./wasmer.ts")).wasmerImplementation(setup) : nodeImplementation(setup);
  const clocks = new Clocks();
  const calls = { ...wasi.calls, ...clocks.calls(() => shadow.buffer) };

  let trap: string | null = null;
  const entry: Entry = {
    imports: (vm) => ({ wasi_snapshot_preview1: marshalled(calls, vm, shadow, {
      argsBytes: utf8Bytes(args),
      envBytes: utf8Bytes(Object.entries(env).map(([k, v]) => `${k}=${v}`)),
      onCall: wasi.onCall,
      afterCall: wasi.afterCall,
    }) }),
    start: (instance) => {
      try {
        clocks.begin();
        return wasi.run(instance.exports._start as () => void);
      } catch (e) {
        trap = e instanceof Error ? e.message : String(e);
        return TRAP_EXIT_CODE;
      } finally {
        wasi.flush?.();
      }
    },
  };
  let engine: EngineRun;
  try {
    engine = await runInstrumented(config, prepared.instrumented, prepared.trapped, extras, entry);
  } finally {
    wasi.close();
  }
  return {
    program: config.workload,
    policy: config.policy,
    config,
    args: args.slice(1),
    exitCode: engine.checksum,
    trap,
    stdout: decodeUtf8(stdout),
    stderr: decodeUtf8(stderr),
    ...engineFigures(config, engine),
    engine,
  };
}

// Refusals: every bad input ends with a non-zero exit and exactly one clean line on stderr.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "./tmp.ts";
import { watBytes } from "./wat.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = tempDir("refusals");

/** Runs ./bin/remora and checks the refusal shape; returns the one stderr line. */
function refuse(args: string[]): string {
  const r = spawnSync(process.execPath, ["bin/remora", ...args], { cwd: ROOT, encoding: "utf8" });
  const what = `remora ${args.join(" ")}\nstatus ${r.status} signal ${r.signal}\nstderr: ${JSON.stringify(r.stderr)}`;
  assert.ok(r.status !== null && r.status !== 0, `expected a non-zero exit\n${what}`);
  assert.equal(r.stdout, "", `expected nothing on stdout\n${what}`);
  const lines = r.stderr.replace(/\n$/, "").split("\n");
  assert.equal(lines.length, 1, `expected exactly one line on stderr\n${what}`);
  assert.ok(lines[0].trim().length > 0, `expected a non-empty line on stderr\n${what}`);
  assert.ok(!/^\s+at /m.test(r.stderr), `expected no stack trace on stderr\n${what}`);
  return lines[0];
}

/** A .wasm file in the temp directory, assembled from WAT with its name section. */
function wasmFile(name: string, wat: string): string {
  return writeFile(name, watBytes(wat, { names: true }));
}

function writeFile(name: string, bytes: Uint8Array): string {
  const path = join(TMP, name);
  writeFileSync(path, bytes);
  return path;
}

test("an unknown workload is refused with one line that lists the known workloads", () => {
  const line = refuse(["run", "nosuch"]);
  assert.match(line, /nosuch/);
  assert.match(line, /trans/);
});

test("an unknown policy is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--policy", "nope"]), /nope/);
});

test("an unknown size is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--size", "huge"]), /huge/);
});

test("a local memory of one page given with --local-pages is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--local-pages", "1"]), /2 pages/);
});

test("a local memory of one page given with --local-mem is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--local-mem", "4KiB"]), /2 pages/);
});

test("an unreadable local memory size is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--local-mem", "abc"]), /abc/);
});

test("a missing .wasm file is refused with one line", () => {
  assert.match(refuse(["run", join(TMP, "missing.wasm")]), /missing\.wasm/);
});

test("a .wasm file of random bytes is refused with one line", () => {
  const bytes = randomBytes(256);
  bytes[0] = 0xff; // never the magic number by chance
  assert.match(refuse(["run", writeFile("random.wasm", bytes)]), /malformed/);
});

test("a truncated .wasm file is refused with one line", () => {
  const whole = readFileSync(join(ROOT, "build/workloads/trans.wasm"));
  assert.match(refuse(["run", writeFile("truncated.wasm", whole.subarray(0, Math.floor(whole.length / 2)))]), /malformed/);
});

test("a module with an atomic load is refused naming the instruction and its function", () => {
  const file = wasmFile("atomic.wasm", `(module
    (memory 1 1)
    (func $touch (result i32) (i32.atomic.load (i32.const 0)))
    (func (export "run") (param i32 i32) (result i32) (call $touch)))`);
  const line = refuse(["run", file, "--n", "1"]);
  assert.match(line, /i32\.atomic\.load/);
  assert.match(line, /touch/);
});

test("a module with two memories is refused with one line that mentions memories", () => {
  const file = wasmFile("two-memories.wasm", `(module
    (memory $a 1)
    (memory $b 1)
    (func (export "run") (param i32 i32) (result i32)
      (i32.add (i32.load $a (i32.const 0)) (i32.load $b (i32.const 0)))))`);
  assert.match(refuse(["run", file, "--n", "1"]), /memories/);
});

test("a memory64 module is refused with one line", () => {
  const file = wasmFile("memory64.wasm", `(module
    (memory i64 1)
    (func (export "run") (param i32 i32) (result i32) (i32.load (i64.const 0))))`);
  assert.match(refuse(["run", file, "--n", "1"]), /memory64/);
});

test("a module using memory.init is refused with one line", () => {
  const file = wasmFile("memory-init.wasm", `(module
    (memory 1)
    (data $d "abcd")
    (func (export "run") (param i32 i32) (result i32)
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 4))
      (i32.load (i32.const 0))))`);
  assert.match(refuse(["run", file, "--n", "1"]), /memory\.init/);
});

test("a module using memory.init on an active segment is refused naming the instruction and its function", () => {
  const file = wasmFile("memory-init-active.wasm", `(module
    (memory 1)
    (data $d (i32.const 8) "abcd")
    (func $fill (export "run") (param i32 i32) (result i32)
      (memory.init $d (i32.const 0) (i32.const 0) (i32.const 0))
      (i32.load (i32.const 0))))`);
  const line = refuse(["run", file, "--n", "1"]);
  assert.match(line, /memory\.init/);
  assert.match(line, /fill/);
});

test("a memory server with no capacity is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--size", "tiny", "--policy", "ram-disk", "--server-mem", "0"]), /server-mem/);
});

test("an unknown link, disk or preset is refused with one line that names the choices", () => {
  assert.match(refuse(["run", "trans", "--link", "carrier-pigeon"]), /gigabit/);
  assert.match(refuse(["run", "trans", "--disk", "floppy"]), /hdd7200/);
  assert.match(refuse(["run", "trans", "--preset", "nope"]), /anemone05/);
});

test("a negative or unreadable bandwidth or latency is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--policy", "ram-disk", "--bandwidth", "-5"]), /bandwidth/);
  assert.match(refuse(["run", "trans", "--policy", "ram-disk", "--bandwidth", "fast"]), /bandwidth/);
  assert.match(refuse(["run", "trans", "--policy", "ram-disk", "--latency", "-1us"]), /latency/);
});

test("a server count of zero is refused with one line", () => {
  assert.match(refuse(["run", "trans", "--policy", "ram-disk", "--servers", "0"]), /servers/);
});

test("a module importing what remora does not provide is refused naming the import", () => {
  const file = wasmFile("wasi-import.wasm", `(module
    (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
    (memory 1)
    (func (export "run") (param i32 i32) (result i32) (call $fd_write (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))`);
  assert.match(refuse(["run", file]), /wasi_snapshot_preview1\.fd_write/);
});

test("a module without a run export is refused with one line", () => {
  const file = wasmFile("no-run.wasm", `(module (memory 1) (func (export "main")))`);
  assert.match(refuse(["run", file]), /run\(n, seed\)/);
});

test("a WASI command is refused before running, with one line, when it imports what remora does not provide, uses threads or atomics, or has a second memory", () => {
  const command = (name: string, body: string) => wasmFile(name, `(module
    (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
    ${body}
    (func (export "_start") (call $exit (i32.const 0))))`);
  const unknown = command("unknown-import.wasm", `(import "wasi" "thread-spawn" (func (param i32) (result i32))) (memory (export "memory") 1)`);
  assert.match(refuse(["run", unknown]), /wasi\.thread-spawn \(function\), which remora does not provide/);
  const shared = command("shared-memory.wasm", `(memory (export "memory") 1 1 shared)`);
  assert.match(refuse(["run", shared]), /shared memory \(threads\)/);
  const atomics = command("atomics.wasm", `(memory (export "memory") 1)
    (func $count (export "count") (result i32) (i32.atomic.rmw.add (i32.const 0) (i32.const 1)))`);
  assert.match(refuse(["run", atomics]), /atomic read-modify-write.*\$?count/);
  const twoMemories = command("two-memories.wasm", `(memory (export "memory") 1) (memory $second 1)`);
  assert.match(refuse(["run", twoMemories]), /2 memories/);
  const importedMemory = command("imported-memory.wasm", `(import "env" "memory" (memory 1))`);
  assert.match(refuse(["run", importedMemory]), /env\.memory \(memory\)/);
});

// WASI programs' clocks and files: clocks at the host's resolution, `--dir` writing through to the
// host exactly as a plain run under node:wasi does (under every policy, with pages moving), paths
// that leave the directory refused (`..`, symlinks, including the symlinks node:wasi itself lets
// through), and `--dir-copy` leaving the host as it was.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { WASI } from "node:wasi";
import { runCommand } from "../host/wasi/command.ts";
import { resolveInside } from "../host/wasi/sandbox.ts";
import { cFixture, noToolchain } from "./c-fixtures.ts";
import { plainImports } from "./plain-wasi.ts";
import { tempDir } from "./tmp.ts";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TMP = tempDir("wasi-files");

const POLICIES = ["local", "disk", "ram-disk", "remote-main", "counters", "software-counters"];
const ENOTCAPABLE = "errno 76 (Capabilities insufficient)";

const fixture = (name: string): string => cFixture(name, []);

let trees = 0;
/** A fresh tree for test/fixtures/files.c: ROOT/d is the directory the program gets, ROOT/outside
 *  and ROOT/victim are outside it, and d holds symlinks inside and out (see files.c). */
function freshTree(): string {
  const root = join(TMP, `tree-${trees++}`);
  mkdirSync(join(root, "d/sub"), { recursive: true });
  mkdirSync(join(root, "d/empty"));
  const files: Record<string, string> = {
    "d/existing.txt": "existing line\n",
    "d/rewrite.txt": "a long line to be replaced\n",
    "d/old.txt": "old name\n",
    "d/replace-src.txt": "new content\n",
    "d/replace-dst.txt": "to be replaced\n",
    "d/delete-me.txt": "x\n",
    "d/sub/inner.txt": "inner\n",
    outside: "outside\n",
    victim: "victim\n",
  };
  for (const [path, text] of Object.entries(files)) writeFileSync(join(root, path), text);
  const links: Record<string, string> = {
    "d/link-in": "existing.txt",
    "d/link-sub": "sub",
    "d/sub/link-up": "../existing.txt",
    "d/link-chain": "sub/link-up",
    "d/link-out": "../outside",
    "d/link-abs": join(root, "outside"),
    "d/link-dir-out": "..",
    "d/sub/link-out2": "../../outside",
  };
  for (const [path, target] of Object.entries(links)) symlinkSync(target, join(root, path));
  return root;
}

/** Everything under root, one line an entry in path order: a file's size and hash, a directory,
 *  a symlink's target (root itself written as <root>). */
function snapshot(root: string): string[] {
  const lines: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const path = rel ? `${rel}/${name}` : name;
      const full = join(root, path);
      const st = lstatSync(full);
      if (st.isSymbolicLink()) lines.push(`${path} -> ${readlinkSync(full).replace(root, "<root>")}`);
      else if (st.isDirectory()) {
        lines.push(`${path}/`);
        walk(path);
      } else {
        const bytes = readFileSync(full);
        lines.push(`${path} ${bytes.length} bytes sha256 ${createHash("sha256").update(bytes).digest("hex").slice(0, 16)}`);
      }
    }
  };
  walk("");
  return lines;
}

interface Output {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** The plain run: node:wasi on the unmodified module with ROOT/d at /d, output through files. */
function reference(file: string, args: string[], root: string): Output {
  const outPath = join(TMP, "ref.out");
  const errPath = join(TMP, "ref.err");
  const stdout = openSync(outPath, "w");
  const stderr = openSync(errPath, "w");
  let exitCode: number;
  try {
    const wasi = new WASI({ version: "preview1", args: [file.replace(/^.*\//, ""), ...args], env: {}, preopens: { "/d": join(root, "d") }, stdout, stderr, returnOnExit: true });
    exitCode = wasi.start(new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), plainImports(wasi)));
  } finally {
    closeSync(stdout);
    closeSync(stderr);
  }
  return { stdout: readFileSync(outPath, "utf8"), stderr: readFileSync(errPath, "utf8"), exitCode };
}

const sameOutput = (r: Output, ref: Output, label: string) => {
  assert.equal(r.stdout, ref.stdout, `${label}: stdout`);
  assert.equal(r.stderr, ref.stderr, `${label}: stderr`);
  assert.equal(r.exitCode, ref.exitCode, `${label}: exit code`);
};

const through = (root: string) => ({ dirs: [{ host: join(root, "d"), guest: "/d" }] });

/** The remora-dir-copy-* directories in the temporary folder. */
const copies = () => new Set(readdirSync(tmpdir()).filter((n) => n.startsWith("remora-dir-copy-")));

test("clocks: CLOCK_MONOTONIC polled until 50 µs have passed measures at most 55 µs (median of 21), every clock's resolution is at most 1 µs, and every clock reads in nanoseconds, on node:wasi and on @wasmer/wasi", { skip: noToolchain, timeout: 120_000 }, async (t) => {
  const file = fixture("clocks");
  const runs: [string, Parameters<typeof runCommand>[0], Parameters<typeof runCommand>[1]][] = [
    ["local", { workload: file, policy: "local" }, {}],
    ["counters with 8 local pages", { workload: file, policy: "counters", localPages: 8 }, {}],
    ["@wasmer/wasi", { workload: file, policy: "local" }, { wasi: "wasmer" }],
  ];
  for (const [label, options, command] of runs) {
    const before = BigInt(Date.now()) * 1_000_000n;
    const r = await runCommand(options, { args: ["21"], ...command });
    const after = BigInt(Date.now()) * 1_000_000n;
    assert.equal(r.exitCode, 0, `${label}: ${r.stderr}`);
    const values = (key: string) => [...r.stdout.matchAll(new RegExp(`^${key} (-?\\d+)$`, "gm"))].map((m) => BigInt(m[1]));
    for (const clock of ["realtime", "monotonic", "process", "thread"]) {
      const [res] = values(`res ${clock}`);
      assert.ok(res > 0n && res <= 1000n, `${label}: clock_getres(${clock}) = ${res} ns`);
      const readings = values(`now ${clock}`);
      assert.equal(readings.length, 3);
      assert.ok(readings.some((v) => v % 1000n !== 0n), `${label}: ${clock} reads ${readings.join(", ")}: whole microseconds`);
    }
    for (const v of values("now realtime")) assert.ok(v >= before - 2_000_000n && v <= after + 2_000_000n, `${label}: realtime ${v} is not between ${before} and ${after}`);
    for (const v of values("now process")) assert.ok(v >= 0n && v <= after - before + 2_000_000n, `${label}: the process clock reads ${v} ns in a run of ${after - before} ns`);
    const polls = values("poll").map(Number).sort((x, y) => x - y);
    assert.equal(polls.length, 21);
    const median = polls[10];
    t.diagnostic(`${label}: polls to 50 µs measured ${polls.map((p) => (p / 1000).toFixed(1)).join(" ")} µs (median ${(median / 1000).toFixed(2)} µs)`);
    assert.ok(polls[0] >= 50_000, `${label}: a poll measured ${polls[0]} ns`);
    assert.ok(median <= 55_000, `${label}: the median poll measured ${median} ns`);
  }
});

test("--dir writes through: a program that writes, appends, renames and deletes files leaves the host directory exactly as a plain node:wasi run leaves it, under every policy with 16 local pages", { skip: noToolchain, timeout: 120_000 }, async () => {
  const file = fixture("files");
  const pristine = snapshot(freshTree());
  const refRoot = freshTree();
  const ref = reference(file, ["write"], refRoot);
  const expected = snapshot(refRoot);
  assert.equal(ref.exitCode, 0);
  assert.match(ref.stdout, /read back 250000 bytes/);
  assert.notDeepEqual(expected, pristine, "the plain run changed nothing");
  for (const policy of POLICIES) {
    const root = freshTree();
    const r = await runCommand({ workload: file, policy, localPages: 16 }, { args: ["write"], ...through(root) });
    sameOutput(r, ref, policy);
    assert.deepEqual(snapshot(root), expected, `${policy}: the host directory`);
    if (policy !== "local") assert.ok(r.pageOuts > 0, `${policy}: no page left local memory`);
  }
});

test("--dir: paths that climb out with .. are refused with node:wasi's errno (ENOTCAPABLE), by every call that takes a path, and nothing outside changes", { skip: noToolchain, timeout: 60_000 }, async () => {
  const file = fixture("files");
  const pristine = snapshot(freshTree());
  const ref = reference(file, ["escape"], freshTree());
  assert.match(ref.stdout, new RegExp(`^open /d/\\.\\./outside: ${ENOTCAPABLE.replace(/[()]/g, "\\$&")}$`, "m"));
  for (const policy of ["local", "disk"]) {
    const root = freshTree();
    const r = await runCommand({ workload: file, policy, localPages: 16 }, { args: ["escape"], ...through(root) });
    sameOutput(r, ref, policy);
    assert.deepEqual(snapshot(root), pristine, `${policy}: the host directory and what is around it`);
  }
});

/** A run's output as "what: result" entries (an entry's indented lines are part of its result). */
function entries(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  let last = "";
  for (const line of stdout.split("\n")) {
    const m = /^(\S.*?): (ok|errno .*)$/.exec(line);
    if (m) out.set((last = m[1]), m[2]);
    else if (line.startsWith("  ")) out.set(last, `${out.get(last)}\n${line}`);
    else if (line) out.set((last = line), "");
  }
  return out;
}

test("--dir: symlinks are followed inside the directory and refused where they lead out, also where node:wasi itself lets the program out (a link in the middle of a path, O_NOFOLLOW)", { skip: noToolchain, timeout: 60_000 }, async () => {
  const file = fixture("files");
  const pristineRoot = freshTree();
  const pristine = snapshot(pristineRoot);
  const ref = entries(reference(file, ["symlink"], freshTree()).stdout);
  const root = freshTree();
  const r = await runCommand({ workload: file, policy: "disk", localPages: 16 }, { args: ["symlink"], ...through(root) });
  assert.equal(r.exitCode, 0, r.stderr);
  const ours = entries(r.stdout);
  // Where node:wasi lets the program out of /d (uvwasi 0.0.23 in Node 20), remora refuses.
  const nodeLetsOut = new Map([
    ["open /d/link-dir-out/outside", ENOTCAPABLE],
    ["open /d/link-out (O_NOFOLLOW)", "errno 32 (Symbolic link loop)"],
    ["stat link-dir-out/outside", ENOTCAPABLE],
    ["create link-dir-out/new.txt", ENOTCAPABLE],
    ["unlink link-dir-out/victim", ENOTCAPABLE],
    ["mkdir link-dir-out/made", ENOTCAPABLE],
    ["rename existing.txt to link-dir-out/stolen.txt", ENOTCAPABLE],
    ["rename link-dir-out/victim into /d", ENOTCAPABLE],
    ["link link-dir-out/victim into /d", ENOTCAPABLE],
    // node:wasi moved existing.txt out of /d above: in remora's run it is still there.
    ["/d/existing.txt 14 bytes", ""],
  ]);
  for (const [what, result] of ours) {
    if (nodeLetsOut.has(what)) assert.equal(result, nodeLetsOut.get(what), what);
    else assert.equal(result, ref.get(what), `${what}: as under node:wasi`);
  }
  for (const what of ref.keys()) assert.ok(ours.has(what) || nodeLetsOut.has(what), `${what}: missing`);
  for (const what of ["open /d/link-out", "open /d/link-abs", "open /d/sub/link-out2", "write through link-out", "stat link-out"]) {
    assert.equal(ours.get(what), ENOTCAPABLE, what);
  }
  assert.match(ours.get("open /d/link-chain") ?? "", /^ok\n {2}read "existing line/);
  // Outside /d nothing changed; inside, the file made through link-sub and link-out removed.
  const expected = [...pristine.filter((l) => !l.startsWith("d/link-out ")), "d/sub/made-through-link.txt 23 bytes sha256 " + createHash("sha256").update("through an inside link\n").digest("hex").slice(0, 16)].sort();
  assert.deepEqual(snapshot(root).sort(), expected);
});

test("--dir-copy: the program sees and changes a private copy (the same output as with --dir), the host directory stays as it was, and the copy is removed after the run, also when the run fails", { skip: noToolchain, timeout: 60_000 }, async () => {
  const file = fixture("files");
  const ref = reference(file, ["write"], freshTree());
  const root = freshTree();
  const pristine = snapshot(root);
  const before = copies();
  // With a second directory given as the host's own (--dir), which the program does not touch.
  const other = freshTree();
  const r = await runCommand({ workload: file, policy: "disk", localPages: 16 },
    { args: ["write"], dirs: [{ host: join(root, "d"), guest: "/d", copy: true }, { host: join(other, "d"), guest: "/e" }] });
  sameOutput(r, ref, "--dir-copy");
  assert.deepEqual(snapshot(root), pristine);
  assert.deepEqual(snapshot(other), pristine);
  assert.deepEqual([...copies()].filter((n) => !before.has(n)), [], "a copy left behind");

  await assert.rejects(runCommand({ workload: file, policy: "local" }, { args: ["write"], dirs: [{ host: join(root, "d"), guest: "/d", copy: true }] },
    { inspect: () => { throw new Error("a failure after the run"); } }), /a failure after the run/);
  assert.deepEqual([...copies()].filter((n) => !before.has(n)), [], "a copy left behind by a failed run");
  assert.deepEqual(snapshot(root), pristine);
});

test("remora run: --dir writes through and --dir-copy does not, and node:wasi's ExperimentalWarning does not reach stderr", { skip: noToolchain, timeout: 120_000 }, () => {
  const file = fixture("files");
  const refRoot = freshTree();
  const ref = reference(file, ["write"], refRoot);
  const cli = (option: string, root: string) => spawnSync(process.execPath,
    ["bin/remora", "run", file, "--policy", "counters", "--local-pages", "16", option, `${join(root, "d")}:/d`, "--quiet", "--", "write"], { cwd: ROOT, encoding: "utf8" });

  const shared = freshTree();
  const w = cli("--dir", shared);
  sameOutput({ stdout: w.stdout, stderr: w.stderr, exitCode: w.status ?? -1 }, ref, "--dir");
  assert.deepEqual(snapshot(shared), snapshot(refRoot));

  const copied = freshTree();
  const pristine = snapshot(copied);
  const c = cli("--dir-copy", copied);
  sameOutput({ stdout: c.stdout, stderr: c.stderr, exitCode: c.status ?? -1 }, ref, "--dir-copy");
  assert.deepEqual(snapshot(copied), pristine);
});

test("resolveInside: a path resolved on the host from a directory, never out of it", () => {
  const root = freshTree();
  const d = join(root, "d");
  mkdirSync(join(d, "loop"));
  symlinkSync("b", join(d, "loop/a"));
  symlinkSync("a", join(d, "loop/b"));
  const cases: [string, boolean, unknown][] = [
    ["existing.txt", true, { rel: "existing.txt", real: join(d, "existing.txt"), finalSymlink: false }],
    ["./sub//inner.txt", true, { rel: "sub/inner.txt", real: join(d, "sub/inner.txt"), finalSymlink: false }],
    ["link-sub/inner.txt", false, { rel: "sub/inner.txt", real: join(d, "sub/inner.txt"), finalSymlink: false }],
    ["link-chain", true, { rel: "existing.txt", real: join(d, "existing.txt"), finalSymlink: false }],
    ["link-chain", false, { rel: "link-chain", real: join(d, "link-chain"), finalSymlink: true }],
    ["link-out", false, { rel: "link-out", real: join(d, "link-out"), finalSymlink: true }],
    ["link-sub/", false, { rel: "sub/", real: join(d, "sub"), finalSymlink: false }],
    ["missing/../sub", true, { rel: "sub", real: join(d, "sub"), finalSymlink: false }],
    ["sub/..", true, { rel: ".", real: d, finalSymlink: false }],
    ["..", true, { errno: 76 }],
    ["sub/../..", true, { errno: 76 }],
    ["/etc/passwd", true, { errno: 76 }],
    ["link-out", true, { errno: 76 }],
    ["link-abs", true, { errno: 76 }],
    ["link-dir-out/outside", false, { errno: 76 }],
    ["sub/link-out2", true, { errno: 76 }],
    ["link-out/", false, { errno: 76 }],
    ["loop/a", true, { errno: 32 }],
  ];
  for (const [path, follow, expected] of cases) assert.deepEqual(resolveInside(d, path, follow), expected, `${path}${follow ? " (follow)" : ""}`);
  assert.deepEqual(resolveInside(join(d, "sub"), "link-up", true), { errno: 76 }, "a directory's own fd: its parent is outside");
});

test("runCommand with @wasmer/wasi takes private copies only", { skip: noToolchain }, async () => {
  const root = freshTree();
  await assert.rejects(runCommand({ workload: fixture("files"), policy: "local" }, { args: ["write"], wasi: "wasmer", ...through(root) }), /give it as a private copy/);
});

// The redis transport (host/servers/redis-worker.ts): the same runs give the same modelled
// figures as the in-process transports; the pages really live in the instances while a run goes
// and are gone after it; a stopped, paused or unreachable instance fails the run with one line.
// Every server here is started by the test itself, on 127.0.0.1.
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { connect } from "node:net";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { run, type RunResult } from "../host/run.ts";
import type { RunOptions } from "../host/config.ts";
import { freePort, haveRedisServer, startRedisServers } from "../host/servers/redis.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const skip = haveRedisServer() ? false : "no redis-server (.ci/run installs it: apt-get install -y redis-server)";
if (skip && process.env.REMORA_REQUIRE_TOOLCHAINS) throw new Error(skip);

/** Local memory that makes each workload page (and access remote pages) at size tiny, while few
 *  enough remote accesses keep a run over loopback Redis short. */
const LOCAL_PAGES: Record<string, number> = { trans: 168, qsort: 292, sort: 232 };

/** A result without what may differ between transports: real times, the transport, its URLs. */
function modelled(r: RunResult & { engine?: unknown }): Record<string, unknown> {
  const { engine: _e, wallSeconds: _w, nativeWallSeconds: _n, faultRoundTripMicros: _f, transport: _t, serverUrls: _u, config, ...rest } = r;
  const { transport: _ct, serverUrls: _cu, ...sameConfig } = config;
  return { ...rest, config: sameConfig };
}

function redisCli(url: string, ...args: string[]): string {
  const { port } = new URL(url);
  const r = spawnSync("redis-cli", ["-h", "127.0.0.1", "-p", port, ...args], { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) throw new Error(`redis-cli ${args.join(" ")}: ${r.stderr}`);
  return r.stdout.trim();
}

const dbsize = (url: string) => Number(redisCli(url, "DBSIZE"));

/** Whether something accepts connections at the URL's port. */
function listening(url: string): Promise<boolean> {
  const { port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), "127.0.0.1");
    socket.once("connect", () => { socket.destroy(); resolve(true); });
    socket.once("error", () => resolve(false));
  });
}

test("trans, qsort and sort under ram-disk, remote-main and counters: redis (embedded, 2 servers) gives the modelled figures of one-sided, and removes its servers", { skip, timeout: 900_000 }, async () => {
  for (const workload of ["trans", "qsort", "sort"]) {
    for (const policy of ["ram-disk", "remote-main", "counters"]) {
      const options: RunOptions = { workload, size: "tiny", policy, localPages: LOCAL_PAGES[workload], counter: 16, servers: 2 };
      const oneSided = await run({ ...options, transport: "one-sided" });
      const redis = await run({ ...options, transport: "redis" });
      const what = `${workload} ${policy}`;
      assert.ok(redis.verified, `${what}: verified over redis`);
      assert.ok(redis.pageIns + redis.remoteAccesses > 0, `${what}: the run used its servers`);
      assert.deepEqual(modelled(redis), modelled(oneSided), `${what}: the same modelled figures`);
      assert.equal(redis.transport, "redis");
      assert.equal(oneSided.transport, "one-sided");
      assert.deepEqual(oneSided.serverUrls, []);
      assert.equal(redis.serverUrls.length, 2);
      if (redis.pageIns > 0) assert.ok(redis.faultRoundTripMicros !== null && redis.faultRoundTripMicros.p50 > 0);
      for (const url of redis.serverUrls) {
        assert.match(url, /^redis:\/\/127\.0\.0\.1:\d+$/);
        assert.equal(await listening(url), false, `${what}: the embedded server ${url} is stopped at the end`);
      }
    }
  }
  // The third transport agrees too; full servers spill to the engine's disk alike; and compressed
  // pages (values shorter than a page) change nothing.
  for (const compress of ["none", "lz4"]) {
    const options: RunOptions = { workload: "qsort", size: "tiny", policy: "ram-disk", localPages: 64, servers: 2, serverMem: "64KiB", compress };
    const redis = await run({ ...options, transport: "redis" });
    assert.ok(redis.verified && redis.pageIns > 0);
    assert.ok(redis.pagesOnDisk > 0, "the servers filled up");
    if (compress === "lz4") assert.ok(redis.compression!.compressionRatio > 1);
    assert.deepEqual(modelled(redis), modelled(await run({ ...options, transport: "two-sided" })), `--compress ${compress}`);
  }
});

test("servers started by hand: the run's pages are in them while it goes and gone after; with --keep-pages each holds the pages the result counts", { skip, timeout: 300_000 }, async () => {
  const servers = await startRedisServers(2);
  try {
    const [a, b] = servers.urls;
    // Another run's key in the same instance: a run deletes only its own.
    redisCli(a, "SET", "someone-else", "x");
    const options: RunOptions = {
      workload: "sort", size: "tiny", policy: "ram-disk", localPages: LOCAL_PAGES.sort, transport: "redis", serverUrl: [a, b],
    };
    let during = -1;
    let faults = 0;
    const r = await run(options, {
      // The fault handler is synchronous: redis-cli, run to its end, looks from outside.
      afterFault: () => { if (++faults % 400 === 0) during = Math.max(during, dbsize(a) + dbsize(b) - 1); },
    });
    assert.ok(r.verified);
    assert.ok(faults >= 800, `the run faulted ${faults} times`);
    assert.ok(during > 0, `the instances held ${during} of the run's pages during it`);
    assert.deepEqual([dbsize(a), dbsize(b)], [1, 0], "after the run only the other key is left");
    assert.deepEqual(r.serverUrls, [a, b]);
    assert.equal(r.config.servers, 2);

    const kept = await run({ ...options, keepPages: true });
    assert.ok(kept.servers[0] + kept.servers[1] > 0);
    assert.deepEqual([dbsize(a) - 1, dbsize(b)], kept.servers, "each instance holds the pages the result counts for it");
    const keys = redisCli(b, "--scan", "--pattern", "remora:*").split("\n").filter(Boolean);
    assert.equal(keys.length, kept.servers[1]);
    assert.ok(keys.every((k) => /^remora:[\w-]+:1:\d+$/.test(k)), `keys carry the run and the server: ${keys[0]}`);
  } finally {
    await servers.stop();
  }
});

test("an instance that stops or stops answering during a run fails it with one error naming it, within the timeout, never a wrong checksum", { skip, timeout: 300_000 }, async () => {
  for (const how of ["shutdown", "pause"] as const) {
    const servers = await startRedisServers(1);
    const [url] = servers.urls;
    const pid = Number(redisCli(url, "INFO", "server").match(/process_id:(\d+)/)![1]);
    let faults = 0;
    let stoppedAt = 0;
    try {
      await assert.rejects(
        run({ workload: "sort", size: "tiny", policy: "ram-disk", localPages: LOCAL_PAGES.sort, transport: "redis", serverUrl: [url], connectTimeout: "1" }, {
          afterFault: () => {
            if (++faults !== 100) return;
            stoppedAt = performance.now();
            if (how === "shutdown") process.kill(pid, "SIGKILL");
            else process.kill(pid, "SIGSTOP");
          },
        }),
        (e: Error) => {
          assert.ok(e.message.includes(url), `${how}: the error names ${url}: ${e.message}`);
          assert.ok(!e.message.includes("\n"), `${how}: one line: ${e.message}`);
          return true;
        },
      );
      // A paused instance fails its command after --connect-timeout (1 s), with some slack for a loaded machine.
      const seconds = (performance.now() - stoppedAt) / 1000;
      assert.ok(seconds < 5, `${how}: the run failed ${seconds.toFixed(1)} s after the instance stopped`);
    } finally {
      try { process.kill(pid, "SIGCONT"); } catch { /* gone */ }
      await servers.stop();
    }
  }
});

/** Runs ./bin/remora to its end (killed after timeoutMs: a guard against a hang). */
function remora(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string; seconds: number }> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ["bin/remora", ...args], { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => { stdout += d; });
    child.stderr.on("data", (d) => { stderr += d; });
    child.on("close", (code) => resolve({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

test("bad Redis input: one remora line, a non-zero exit, no stack trace, no hang", { skip, timeout: 300_000 }, async () => {
  const port = await freePort();
  const base = ["run", "trans", "--size", "tiny", "--policy", "ram-disk", "--transport", "redis"];
  const cases: { args: string[]; env?: NodeJS.ProcessEnv; code: number; says: RegExp }[] = [
    { args: [...base, "--server-url", `redis://127.0.0.1:${port}`], code: 1, says: new RegExp(`redis://127\\.0\\.0\\.1:${port}.*cannot connect`) },
    { args: [...base, "--server-url", "http://127.0.0.1:6379"], code: 2, says: /must start with redis:\/\// },
    { args: [...base, "--server-url", "not a url"], code: 2, says: /is not a URL/ },
    { args: [...base, "--server-url", "redis://127.0.0.1:1", "--servers", "2"], code: 2, says: /--servers 2 disagrees/ },
    { args: [...base, "--connect-timeout", "0"], code: 2, says: /--connect-timeout must be/ },
    { args: ["run", "trans", "--size", "tiny", "--server-url", "redis://127.0.0.1:1"], code: 2, says: /--server-url is for --transport redis/ },
    { args: base, env: { REMORA_REDIS_SERVER: "/nonexistent/redis-server" }, code: 1, says: /is not installed: install it \(Debian\/Ubuntu: apt-get install redis-server\)/ },
    { args: [...base, "--server-mem", "64MiB", "--server-url", "MAXMEMORY"], code: 1, says: /--server-mem \(67108864 bytes\) is more than the instance's maxmemory \(1048576 bytes\)/ },
  ];
  const small = await startRedisServers(1);
  try {
    redisCli(small.urls[0], "CONFIG", "SET", "maxmemory", "1mb");
    for (const c of cases) {
      const args = c.args.map((a) => (a === "MAXMEMORY" ? small.urls[0] : a));
      const r = await remora(args, c.env);
      const lines = r.stderr.trim().split("\n");
      assert.equal(r.code, c.code, `${args.join(" ")}: exit ${r.code}, stderr ${r.stderr}`);
      assert.equal(lines.length, 1, `${args.join(" ")}: one line: ${r.stderr}`);
      assert.match(lines[0], /^remora: /);
      assert.match(lines[0], c.says);
      assert.equal(r.stdout, "");
      assert.ok(r.seconds < 30, `${args.join(" ")}: took ${r.seconds.toFixed(1)} s`);
    }
  } finally {
    await small.stop();
  }
});

test("remora servers start: prints the URLs of servers that take runs, and stops them on Ctrl-C", { skip, timeout: 120_000 }, async () => {
  const port = await freePort();
  const child = spawn(process.execPath, ["bin/remora", "servers", "start", "--count", "1", "--port", String(port)], { cwd: ROOT });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d) => { out += d; if (out.includes("\n")) resolve(out.split("\n")[0]); });
      child.once("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    assert.equal(url, `redis://127.0.0.1:${port}`);
    const r = await run({ workload: "trans", size: "tiny", policy: "ram-disk", localPages: LOCAL_PAGES.trans, transport: "redis", serverUrl: [url] });
    assert.ok(r.verified && r.pageIns > 0);
    assert.equal(dbsize(url), 0);
  } finally {
    child.kill("SIGINT");
    await new Promise((resolve) => child.once("exit", resolve));
  }
  assert.equal(await listening(`redis://127.0.0.1:${port}`), false);
});

/** Polls `check` every 100 ms until it holds, for at most timeoutMs. */
async function eventually(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<boolean> {
  for (const until = performance.now() + timeoutMs; performance.now() < until;) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return check();
}

const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };

test("a run cut short by Ctrl-C deletes its keys from a shared instance; one killed with SIGTERM stops its embedded servers", { skip, timeout: 300_000 }, async () => {
  const servers = await startRedisServers(1);
  const [url] = servers.urls;
  try {
    redisCli(url, "SET", "someone-else", "x");
    const child = spawn(process.execPath, ["bin/remora", "run", "sort", "--size", "tiny", "--policy", "remote-main", "--local-pages", "200",
      "--transport", "redis", "--server-url", url], { cwd: ROOT, stdio: "ignore" });
    const exited = new Promise((resolve) => child.once("exit", resolve));
    assert.ok(await eventually(() => dbsize(url) > 1, 120_000), "the run's pages reached the instance");
    child.kill("SIGINT");
    await exited;
    assert.ok(await eventually(() => dbsize(url) === 1, 15_000), `after Ctrl-C the instance holds ${dbsize(url)} keys`);
    assert.equal(redisCli(url, "GET", "someone-else"), "x");
  } finally {
    await servers.stop();
  }

  const child = spawn(process.execPath, ["bin/remora", "run", "sort", "--size", "tiny", "--policy", "remote-main", "--local-pages", "200",
    "--transport", "redis", "--servers", "2"], { cwd: ROOT, stdio: "ignore" });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const embedded = () => spawnSync("pgrep", ["-P", String(child.pid), "redis-server"], { encoding: "utf8" }).stdout.split("\n").filter(Boolean).map(Number);
  assert.ok(await eventually(() => embedded().length === 2, 120_000), "remora started two redis-servers");
  const pids = embedded();
  child.kill("SIGTERM");
  await exited;
  assert.ok(await eventually(() => pids.every((pid) => !alive(pid)), 15_000), `the embedded servers ${pids.join(", ")} are stopped`);
});

test("a Redis server keeps each page as its stored bytes, is full when the thread servers would be, counts its pages, and reads and writes ranges", { skip, timeout: 120_000 }, async () => {
  const { MemoryServerPool } = await import("../host/servers/pool.ts");
  const servers = await startRedisServers(1);
  const PAGE = 4096;
  // Compressed pages: slots of 1/16 page, 4 pages of room = 64 slots.
  const options = { servers: 1, capacityBytes: 4 * PAGE, pageSizeBytes: PAGE, slotBytes: PAGE / 16 };
  const redis = await MemoryServerPool.start({ ...options, transport: "redis", redis: { urls: servers.urls, runId: "pool-test", connectTimeoutMs: 2000, keepPages: false } });
  const threads = await MemoryServerPool.start({ ...options, transport: "two-sided" });
  try {
    const lengths = [4096, 100, 2000, 256, 3000, 1, 4096, 700, 1500, 4096, 50];
    for (const [vpage, length] of lengths.entries()) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7 + vpage) & 0xff);
      assert.equal(redis.pageOut(0, vpage, bytes), threads.pageOut(0, vpage, bytes), `page ${vpage} of ${length} bytes: stored, or refused, alike`);
    }
    assert.equal(redis.pagesHeld(0), threads.pagesHeld(0));
    assert.ok(redis.pagesHeld(0) < lengths.length, "the server filled up");
    assert.equal(redis.slotOf(0, 0), 0);
    assert.equal(redis.slotOf(0, 999), -1);
    const bytes = new Uint8Array(4);
    redis.writeRange(0, 0, 4092, Uint8Array.of(1, 2, 3, 4));
    assert.equal(redis.readRange(0, 0, 4092, bytes), true);
    assert.deepEqual([...bytes], [1, 2, 3, 4]);
    assert.throws(() => redis.readRange(0, 0, 4094, bytes), /must lie inside it/);
    const into = new Uint8Array(PAGE);
    assert.equal(redis.pageInBytes(0, 1, into), 100);
    assert.deepEqual([...into.subarray(0, 100)], Array.from({ length: 100 }, (_, i) => (i * 7 + 1) & 0xff));
    assert.equal(redis.pageInBytes(0, 1, into), -1, "a page-in takes the page off the server");
    assert.equal(redis.urls[0], servers.urls[0]);
  } finally {
    await redis.stop();
    await threads.stop();
    await servers.stop();
  }
});

test("an instance with a password: the run uses it, the result and its config show the URL without it; a wrong one is one line", { skip, timeout: 120_000 }, async () => {
  const servers = await startRedisServers(1);
  try {
    const { port } = new URL(servers.urls[0]);
    redisCli(servers.urls[0], "CONFIG", "SET", "requirepass", "s3cret");
    const url = `redis://:s3cret@127.0.0.1:${port}/2`;
    const r = await run({ workload: "trans", size: "tiny", policy: "ram-disk", localPages: LOCAL_PAGES.trans, transport: "redis", serverUrl: [url] });
    assert.ok(r.verified && r.pageIns > 0);
    const { engine: _engine, ...result } = r as RunResult & { engine?: unknown };
    assert.deepEqual(r.serverUrls, [`redis://:***@127.0.0.1:${port}/2`]);
    assert.ok(!JSON.stringify(result).includes("s3cret"), "the password appears nowhere in the result");
    const wrong = await remora(["run", "trans", "--size", "tiny", "--policy", "ram-disk", "--transport", "redis", "--server-url", `redis://:nope@127.0.0.1:${port}`]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`^remora: memory server 0 \\(redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port}\\): cannot connect: .*WRONGPASS[^\\n]*\\n$`));
  } finally {
    await servers.stop();
  }
});

// Redis instances as memory servers (--transport redis): reading the URLs the user gives, and
// starting local redis-server processes when none is given (the embedded default, and
// `remora servers start`). They bind 127.0.0.1 only, on free ports, with no persistence, so
// nothing outlives them. Kept free of heavy imports: the server workers load redactUrl.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { fileURLToPath } from "node:url";
import { packageModule, workerExecArgv } from "../paths.ts";

/** The binary the embedded servers run (Debian: apt-get install redis-server). */
export const REDIS_SERVER = process.env.REMORA_REDIS_SERVER ?? "redis-server";

/** Checks a --server-url: redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]. Returns why it is not one,
 *  or null. */
export function redisUrlProblem(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return `--server-url "${text}" is not a URL: give redis://HOST:PORT[/DB]`;
  }
  if (url.protocol !== "redis:") return `--server-url "${redactUrl(text)}" must start with redis://`;
  if (url.hostname === "") return `--server-url "${redactUrl(text)}" names no host`;
  if (!/^(\/\d{0,5})?$/.test(url.pathname)) return `--server-url "${redactUrl(text)}": the path must be a database number, e.g. /0`;
  if (url.search !== "" || url.hash !== "") return `--server-url "${redactUrl(text)}" must not have a query or a fragment`;
  return null;
}

/** The URL without its password (for results, logs and errors). */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.password === "") return text;
    url.password = "***";
    return url.href;
  } catch {
    return text;
  }
}

/** Whether redis-server can be run here. */
export function haveRedisServer(): boolean {
  const r = spawnSync(REDIS_SERVER, ["--version"], { stdio: "ignore", timeout: 5000 });
  return r.error === undefined && r.status === 0;
}

export const MISSING_REDIS_SERVER = `${REDIS_SERVER} is not installed: install it (Debian/Ubuntu: apt-get install redis-server), or give running instances with --server-url redis://HOST:PORT`;

/** A port no one listens on now, on 127.0.0.1 (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface EmbeddedRedis {
  urls: string[];
  /** The redis-server processes' ids. */
  pids: number[];
  /** Stops every server (SIGTERM, then SIGKILL if one lingers) and waits for them to exit. */
  stop(): Promise<void>;
}

const START_MS = 10_000;
const STOP_MS = 3_000;

/** Starts `count` redis-server processes on 127.0.0.1: on free ports, or on firstPort, firstPort+1,
 *  ...; no snapshots, no append-only file. */
export async function startRedisServers(count: number, firstPort?: number): Promise<EmbeddedRedis> {
  if (!haveRedisServer()) throw new Error(MISSING_REDIS_SERVER);
  const children: ChildProcess[] = [];
  const urls: string[] = [];
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
  };
  try {
    for (let i = 0; i < count; i++) {
      // A free port can be taken between the look and the bind: try another (bounded).
      for (let attempt = 0; ; attempt++) {
        const port = firstPort !== undefined ? firstPort + i : await freePort();
        const started = await startOne(port);
        if (typeof started !== "string") {
          children.push(started);
          urls.push(`redis://127.0.0.1:${port}`);
          break;
        }
        if (firstPort !== undefined || attempt >= 2) throw new Error(`${REDIS_SERVER} on port ${port} did not start: ${started}`);
      }
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { urls, pids: children.map((c) => c.pid!), stop };
}

/** Starts the run's cleaner (redis-reaper.ts): if remora ends without calling dismiss(), it
 *  deletes the keys matching `pattern` from each instance and stops the embedded servers. */
export function startReaper(urls: string[], pattern: string, pids: number[], connectTimeoutMs: number): { dismiss(): void } {
  const child = spawn(process.execPath, [
    ...workerExecArgv(false), fileURLToPath(packageModule("host/servers/redis-reaper")),
    JSON.stringify({ urls, pattern, pids, connectTimeoutMs }),
  ], { stdio: ["pipe", "ignore", "ignore"], detached: true });
  child.on("error", () => {});
  child.stdin!.on("error", () => {});
  child.unref();
  // The pipe must not keep remora alive either: it only has to close when remora goes.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return { dismiss: () => { child.stdin!.end("done\n"); } };
}

/** One redis-server, ready for connections; or why it stopped. */
function startOne(port: number): Promise<ChildProcess | string> {
  const child = spawn(REDIS_SERVER, [
    "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
    "--dir", tmpdir(), "--daemonize", "no", "--loglevel", "notice",
  ], { stdio: ["ignore", "pipe", "pipe"] });
  return new Promise((resolve) => {
    let output = "";
    const timer = setTimeout(() => { finish(`not ready within ${START_MS / 1000} s`); child.kill("SIGKILL"); }, START_MS);
    const finish = (r: ChildProcess | string) => {
      clearTimeout(timer);
      child.stdout!.removeAllListeners("data");
      child.removeAllListeners("exit");
      child.removeAllListeners("error");
      // Keep draining its log so that it never blocks on a full pipe.
      child.stdout!.resume();
      child.stderr!.resume();
      resolve(r);
    };
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) finish(child);
    });
    child.stderr!.on("data", (chunk: Buffer) => { output += chunk.toString(); });
    child.once("error", (e) => finish(e.message));
    child.once("exit", () => {
      const last = output.trim().split("\n").filter((l) => /#|error|denied/i.test(l)).pop() ?? output.trim().split("\n").pop() ?? "";
      finish(`it exited (${last.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ /, "").trim()})`);
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_MS);
    child.once("exit", () => { clearTimeout(timer); resolve(); });
    child.kill("SIGTERM");
  });
}

/** SIGKILL to a process of ours, then wait (synchronously: inside a fault) until the kernel has
 *  closed its sockets: it is a zombie or gone. At most a second. */
export function killNow(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    return; // gone already
  }
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + 1000;
  while (performance.now() < until) {
    let state: string;
    try {
      // /proc/PID/stat: "PID (name) STATE ..."; Z is a zombie, whose sockets are closed.
      state = /\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1] ?? "Z";
    } catch {
      return; // reaped, or no /proc: the signal is delivered by now either way
    }
    if (state === "Z" || state === "X") return;
    Atomics.wait(sleeper, 0, 0, 1);
  }
}

// The cleaner of a Redis run: a small process of its own that outlives remora when it ends
// abruptly (Ctrl-C while the fault handler runs in wasm, a signal, a crash), when remora's own
// cleanup cannot run. It reads nothing but the end of its stdin, a pipe from remora: "done" first
// means remora cleaned up itself; the pipe closing without it means remora is gone, and then it
// deletes the run's keys from each instance and stops the run's embedded redis-servers.
//
// argv[2]: JSON {urls, pattern, pids, connectTimeoutMs}. In its own process group, so the
// terminal's Ctrl-C reaches remora and not it.
import { Redis } from "ioredis";
import { scanKeys } from "./redis-worker.ts";

interface ReaperTask { urls: string[]; pattern: string; pids: number[]; connectTimeoutMs: number }

/** However the instances behave, it ends. */
const GIVE_UP_MS = 30_000;

const task = JSON.parse(process.argv[2]) as ReaperTask;
for (const signal of ["SIGINT", "SIGHUP"] as const) process.on(signal, () => {});
let input = "";
process.stdin.on("data", (chunk: Buffer) => { input += chunk.toString(); });
process.stdin.on("error", () => {});
process.stdin.on("close", () => {
  if (input.includes("done")) process.exit(0);
  setTimeout(() => process.exit(1), GIVE_UP_MS).unref();
  for (const pid of task.pids) {
    try { process.kill(pid, "SIGTERM"); } catch { /* gone already */ }
  }
  void Promise.allSettled(task.urls.map(reap)).then(() => process.exit(0));
});

async function reap(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true, connectTimeout: task.connectTimeoutMs, commandTimeout: task.connectTimeoutMs,
    retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false,
  });
  redis.on("error", () => {});
  try {
    await redis.connect();
    await scanKeys(redis, task.pattern, (keys) => redis.unlink(...keys));
    await redis.quit();
  } finally {
    redis.disconnect();
  }
}

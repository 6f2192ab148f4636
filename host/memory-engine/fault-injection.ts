// --fail-server I@N: memory server I crashes right after the client's N-th page transfer (the
// memory engine's N-th page-out or page-in). The injector only crashes it, as a power cut would:
// a worker thread is terminated, an embedded redis-server gets SIGKILL. It tells the engine
// nothing: the engine finds out from its next request to that server (memory-engine.ts).
import { readFileSync } from "node:fs";

export interface ServerFailure {
  server: number;
  afterTransfers: number;
}

/** "1@2000" -> { server: 1, afterTransfers: 2000 }, or why it is not one. */
export function parseFailure(text: string): ServerFailure | string {
  const m = /^(\d+)@(\d+)$/.exec(text);
  if (!m) return `--fail-server must be I@N (server I fails after the client's N-th page transfer, e.g. 1@2000), not "${text}"`;
  const afterTransfers = Number(m[2]);
  if (!(afterTransfers >= 1 && afterTransfers <= 2 ** 31)) return `--fail-server ${text}: N must be from 1 to 2147483648 page transfers`;
  return { server: Number(m[1]), afterTransfers };
}

/** The engine's afterTransfer hook: crashes each server when its turn comes. */
export function failureInjector(failures: ServerFailure[], crash: (server: number) => void): (transfers: number) => void {
  const due = new Map<number, number[]>();
  for (const f of failures) due.set(f.afterTransfers, [...(due.get(f.afterTransfers) ?? []), f.server]);
  return (transfers) => {
    const servers = due.get(transfers);
    if (servers !== undefined) for (const s of servers) crash(s);
  };
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

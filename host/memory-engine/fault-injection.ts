// --fail-server I@N: memory server I crashes right after the client's N-th page transfer (the
// memory engine's N-th page-out or page-in). The injector only crashes it, as a power cut would:
// a worker thread is terminated, an embedded redis-server gets SIGKILL. It tells the engine
// nothing: the engine finds out from its next request to that server (memory-engine.ts). No
// Node-only import here (config.ts reads --fail-server with it): killing a process is killNow in
// host/servers/redis.ts.
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

// Browser stand-in for the part of piscina that host/servers/pool.ts uses: one long-running task
// per memory server, each in a Web Worker of its own (server-worker-main.ts, which runs the same
// host/servers/server-worker.ts loop). The task's SharedArrayBuffers are shared with the worker
// as they are with a worker thread, so the pool's protocol is unchanged.

const SERVER_WORKER = new URL("./server-worker.js", import.meta.url);

interface Thread {
  threadId: number;
  terminate(): Promise<number>;
}

export class Piscina<Task, Result> {
  readonly threads: Thread[] = [];
  private readonly workers = new Set<Worker>();

  constructor(_options: Record<string, unknown>) {}

  on(_event: string, _listener: (...args: unknown[]) => void): this {
    return this;
  }

  run(task: Task): Promise<Result> {
    const worker = new Worker(SERVER_WORKER, { type: "module", name: "remora memory server" });
    this.workers.add(worker);
    return new Promise<Result>((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<{ stats?: Result; error?: string }>) => {
        this.workers.delete(worker);
        worker.terminate();
        if (e.data.error !== undefined) reject(new Error(e.data.error));
        else resolve(e.data.stats as Result);
      };
      worker.onerror = (e) => {
        this.workers.delete(worker);
        reject(new Error(e.message || "the memory server's worker failed to load"));
      };
      worker.postMessage(task);
    });
  }

  async destroy(): Promise<void> {
    for (const w of this.workers) w.terminate();
    this.workers.clear();
  }
}

// A memory server as a Web Worker: the task the pool posts, served by the same loop as a worker
// thread's (host/servers/server-worker.ts), which answers on the shared channel until STOP.
import serve from "../servers/server-worker.ts";
import type { ServerTask } from "../servers/protocol.ts";

self.onmessage = (e: MessageEvent<ServerTask>) => {
  try {
    self.postMessage({ stats: serve(e.data) });
  } catch (err) {
    self.postMessage({ error: (err as Error).message });
  }
};

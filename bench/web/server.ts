// `remora dashboard`: serves the dashboard on localhost, re-reading the results folder on every
// load, and runs the live panel's experiments (POST /api/run, one at a time) with `remora run`'s code.
import { createServer, type Server } from "node:http";
import { ConfigError, type RunOptions } from "../../host/config.ts";
import { LINKS } from "../../host/links/index.ts";
import { atRoot } from "../../host/paths.ts";
import { POLICIES } from "../../host/policies/index.ts";
import { PRESETS } from "../../host/presets/index.ts";
import { run } from "../../host/run.ts";
import { runCommand } from "../../host/wasi/command.ts";
import { WORKLOADS } from "../../workloads/index.ts";
import { dashboardHtml, readResults } from "./page.ts";

/** What the live panel may set: the options of `remora run` it shows. */
const LIVE_OPTIONS = ["workload", "size", "policy", "preset", "localMem", "counter", "link"] as const;
const MAX_BODY_BYTES = 10_000;

const WASI_BUILD = atRoot("build/wasi/").pathname;

/** A workload's WASI build (build/wasi/<name>.wasm N SEED), through `remora run FILE.wasm`'s code:
 *  the same figures, and the checksum it prints in stdout. */
function runWasi(options: RunOptions) {
  const spec = WORKLOADS[options.workload];
  const size = (options.size ?? "small") as keyof typeof spec.sizes;
  if (!spec || !(size in spec.sizes)) throw new ConfigError(`no WASI build of ${options.workload} at size ${options.size}`);
  const { size: _size, ...rest } = options;
  return runCommand({ ...rest, workload: `${WASI_BUILD}${spec.name}.wasm` }, { args: [String(spec.sizes[size]), "1"] });
}

export async function startDashboard(resultsDir: string, port: number): Promise<{ server: Server; url: string }> {
  const live = { workloads: Object.keys(WORKLOADS), policies: Object.keys(POLICIES), presets: Object.keys(PRESETS), links: Object.keys(LINKS) };
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (req.method === "GET" && (req.url === "/" || req.url === "/index.html")) {
      send(200, "text/html; charset=utf-8", dashboardHtml(readResults(resultsDir), live));
      return;
    }
    if (req.method === "POST" && req.url === "/api/run") {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => { body += chunk; if (body.length > MAX_BODY_BYTES) req.destroy(); });
      req.on("end", () => {
        queue = queue.then(async () => {
          try {
            const given = JSON.parse(body) as Record<string, unknown>;
            const options = Object.fromEntries(LIVE_OPTIONS.filter((k) => given[k] !== undefined && given[k] !== "").map((k) => [k, given[k]]));
            const { engine: _engine, ...result } = given.as === "wasi" ? await runWasi(options as RunOptions) : await run(options as RunOptions);
            send(200, "application/json", JSON.stringify(result));
          } catch (e) {
            const status = e instanceof ConfigError || e instanceof SyntaxError ? 400 : 500;
            send(status, "application/json", JSON.stringify({ error: (e as Error).message }));
          }
        });
      });
      return;
    }
    send(404, "text/plain", "not found");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const actual = typeof address === "object" && address ? address.port : port;
  return { server, url: `http://127.0.0.1:${actual}/` };
}

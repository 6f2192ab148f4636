// `remora dashboard`: serves the dashboard on localhost, re-reading the results folder on every
// load, and runs the live panel's experiments (POST /api/run, one at a time) with `remora run`'s code.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { COMPRESS_CHOICES } from "../../host/compression/index.ts";
import { ConfigError, parseBytes, type RunOptions } from "../../host/config.ts";
import { LINKS } from "../../host/links/index.ts";
import { atRoot } from "../../host/paths.ts";
import { POLICIES } from "../../host/policies/index.ts";
import { PRESETS } from "../../host/presets/index.ts";
import { run } from "../../host/run.ts";
import { runCommand } from "../../host/wasi/command.ts";
import { WORKLOADS } from "../../workloads/index.ts";
import { dashboardHtml, readResults } from "./page.ts";
import { servePlayground } from "./playground-files.ts";

/** What the live panel may set: the options of `remora run` it shows. */
const LIVE_OPTIONS = ["workload", "size", "policy", "preset", "localMem", "counter", "link", "compress", "prefetch"] as const;
const MAX_BODY_BYTES = 10_000;
/** The cap on a live run, which blocks the server while it runs: the sizes the live panel offers
 *  (medium and large take minutes) and a local memory that bounds the frames the run allocates. */
export const LIVE_CAP = { sizes: ["tiny", "small"], localMemBytes: 64 * 2 ** 20 } as const;

/** Why a live run exceeds the cap, or null. */
function overCap(options: Record<string, unknown>): string | null {
  if (options.size !== undefined && !(LIVE_CAP.sizes as readonly unknown[]).includes(options.size)) {
    return `live runs are capped at size ${LIVE_CAP.sizes.at(-1)} (${LIVE_CAP.sizes.join(" or ")}), not "${options.size}": run larger sizes with ./bin/remora run`;
  }
  if (options.localMem !== undefined && parseBytes(String(options.localMem), "localMem") > LIVE_CAP.localMemBytes) {
    return `live runs are capped at ${LIVE_CAP.localMemBytes / 2 ** 20}MiB of local memory, not ${options.localMem}: run larger ones with ./bin/remora run`;
  }
  return null;
}

/** Whether a POST may run: a JSON body (a cross-site form or a no-cors fetch can only send
 *  text/plain, form or multipart bodies without a preflight), from this server's own page when the
 *  browser says where it comes from. Else why not. */
function crossSite(headers: IncomingHttpHeaders, port: number): string | null {
  const type = (headers["content-type"] ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") return `a run request must have Content-Type: application/json, not "${headers["content-type"] ?? "(none)"}"`;
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://127.0.0.1:${port}` && origin !== `http://localhost:${port}`) {
    return `a run request must come from the dashboard's own page (http://127.0.0.1:${port}), not from ${origin}`;
  }
  return null;
}

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
  const live = { workloads: Object.keys(WORKLOADS), policies: Object.keys(POLICIES), presets: Object.keys(PRESETS), links: Object.keys(LINKS), codecs: COMPRESS_CHOICES, prefetchers: ["none", "readahead:8", "leap"] };
  let queue: Promise<unknown> = Promise.resolve();
  const server = createServer((req, res) => {
    const send = (status: number, type: string, body: string) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    const requested = new URL(req.url ?? "/", "http://localhost");
    const path = requested.pathname;
    if ((req.method === "GET" || req.method === "HEAD") && (path === "/playground" || path.startsWith("/playground/"))) {
      servePlayground(path, requested.search, res);
      return;
    }
    if (req.method === "GET" && (path === "/" || path === "/index.html")) {
      send(200, "text/html; charset=utf-8", dashboardHtml(readResults(resultsDir), live));
      return;
    }
    if (req.method === "POST" && path === "/api/run") {
      const refused = crossSite(req.headers, (server.address() as AddressInfo).port);
      if (refused !== null) {
        req.resume(); // the body is dropped unread, so the answer reaches the client
        send(403, "application/json", JSON.stringify({ error: refused }));
        return;
      }
      let body = "";
      let tooLarge = false;
      req.setEncoding("utf8");
      req.on("data", (chunk: string) => {
        if (tooLarge) return; // the rest is read and dropped, so the answer reaches the client
        body += chunk;
        if (body.length > MAX_BODY_BYTES) {
          tooLarge = true;
          send(413, "application/json", JSON.stringify({ error: `request body over ${MAX_BODY_BYTES} bytes` }));
        }
      });
      req.on("end", () => {
        if (tooLarge) return;
        queue = queue.then(async () => {
          try {
            const given: unknown = JSON.parse(body);
            if (typeof given !== "object" || given === null || Array.isArray(given)) throw new ConfigError("the request must be a JSON object of run options");
            if (!Object.hasOwn(WORKLOADS, String((given as Record<string, unknown>).workload))) {
              // A live run names a built-in workload; it never reads a path given in a request.
              throw new ConfigError(`unknown workload "${(given as Record<string, unknown>).workload}": choose one of ${Object.keys(WORKLOADS).join(", ")}`);
            }
            const fields = given as Record<string, unknown>;
            const options = Object.fromEntries(LIVE_OPTIONS.filter((k) => fields[k] !== undefined && fields[k] !== "").map((k) => [k, fields[k]]));
            const over = overCap(options);
            if (over !== null) throw new ConfigError(over);
            const { engine: _engine, ...result } = fields.as === "wasi" ? await runWasi(options as RunOptions) : await run(options as RunOptions);
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

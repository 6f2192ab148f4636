// The built playground (build/playground/, made by scripts/build-playground.ts at `npm run build`):
// served by `remora dashboard` at /playground, copied by `remora reproduce` next to its results.
import { cpSync, existsSync, readFileSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { extname, join, normalize } from "node:path";
import { atRoot } from "../../host/paths.ts";

export const PLAYGROUND_DIR = atRoot("build/playground/").pathname;

/** The headers that make a page cross-origin isolated, which SharedArrayBuffer needs: the memory
 *  servers (Web Workers) share the pages with the emulator through it. Any static server that
 *  hosts the folder must send them. */
export const ISOLATION_HEADERS = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
  "cross-origin-resource-policy": "same-origin",
};

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
};

/** Answers GET /playground... : the folder's index for /playground/ (after a redirect from
 *  /playground, so that the page's relative URLs resolve inside the folder), its files below. */
export function servePlayground(pathname: string, search: string, res: ServerResponse): void {
  if (pathname === "/playground") {
    res.writeHead(302, { location: `/playground/${search}` });
    res.end();
    return;
  }
  const rel = normalize(decodeURIComponent(pathname.slice("/playground/".length)) || "index.html");
  const file = join(PLAYGROUND_DIR, rel);
  if (rel.startsWith("..") || !file.startsWith(PLAYGROUND_DIR) || !existsSync(file) || !statSync(file).isFile()) {
    const built = existsSync(PLAYGROUND_DIR);
    res.writeHead(404, { "content-type": "text/plain", ...ISOLATION_HEADERS });
    res.end(built ? "not found" : "the playground is not built: run npm run build");
    return;
  }
  res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-cache", ...ISOLATION_HEADERS });
  res.end(readFileSync(file));
}

/** Copies the playground into dir/playground (nothing when it is not built). Returns whether it did. */
export function copyPlayground(dir: string): boolean {
  if (!existsSync(PLAYGROUND_DIR)) return false;
  cpSync(PLAYGROUND_DIR, join(dir, "playground"), { recursive: true });
  return true;
}

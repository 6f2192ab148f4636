// The dashboard page as one HTML file: chart.js, hammerjs, chartjs-plugin-zoom and
// bench/web/dashboard.js inlined, the results embedded, so it opens from disk and loads nothing.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { atRoot } from "../../host/paths.ts";

const require = createRequire(import.meta.url);
/** A file beside a package's main entry (chart.js exports no subpaths). */
const besideMain = (pkg: string, file: string) => join(dirname(require.resolve(pkg)), file);
const script = (path: string) => readFileSync(path, "utf8").replaceAll("</script", "<\\/script");

/** Every experiment JSON in a results folder (and bench.json when there), by name. */
export function readResults(dir: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    try {
      const json = JSON.parse(readFileSync(join(dir, file), "utf8"));
      out[file.replace(/\.json$/, "")] = json;
    } catch {
      // A file that is not ours or is half-written is left out, not drawn wrong.
    }
  }
  return out;
}

export interface LiveChoices { workloads: string[]; policies: string[]; presets: string[]; links: string[]; codecs: string[] }

export function dashboardHtml(results: Record<string, unknown>, live: LiveChoices | null): string {
  const data = JSON.stringify({ results, live }).replaceAll("<", "\\u003c");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>remora: results</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 1.5rem; color: #222; }
  #charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 1rem; }
  .card { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem; }
  .card h2 { font-size: 15px; margin: 0 0 0.5rem; }
  .canvas { position: relative; height: 340px; }
  .controls { display: flex; gap: 0.5rem; margin-bottom: 0.5rem; flex-wrap: wrap; }
  table { border-collapse: collapse; margin-top: 0.5rem; font-size: 12px; }
  td, th { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
  #live form { display: flex; gap: 0.75rem; flex-wrap: wrap; align-items: end; }
  #live pre { max-height: 200px; overflow: auto; background: #f6f6f6; }
</style>
</head>
<body>
<h1>remora: both papers' experiments</h1>
<p>Modelled figures from <code>./bin/remora reproduce</code>; black crosses are the papers' numbers. Click a legend entry to hide or show a series; wheel to zoom the sweeps, drag to pan.</p>
<p>Or turn the knobs yourself: <a href="playground/">the playground</a> runs the emulator in this browser and shows its pages moving.</p>
<p id="missing"></p>
<section id="live"><h2>Live run</h2></section>
<div id="charts"></div>
<script>window.REMORA = ${data};</script>
<script>${script(besideMain("chart.js", "chart.umd.min.js"))}</script>
<script>${script(besideMain("hammerjs", "hammer.min.js"))}</script>
<script>${script(besideMain("chartjs-plugin-zoom", "chartjs-plugin-zoom.min.js"))}</script>
<script>${script(atRoot("bench/web/dashboard.js").pathname)}</script>
</body>
</html>
`;
}

import { readFileSync } from "node:fs";
import { instrument } from "../../host/instrument/index.ts";
const b = new Uint8Array(readFileSync(process.argv[2]));
for (const ps of [1024, 4096]) { const t = performance.now(); const r = instrument(b, ps, { pageRuns: process.argv[3] !== "off" }); console.log(ps, (performance.now() - t).toFixed(0), r.pageRuns, r.regions); }

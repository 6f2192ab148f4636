import { writeFileSync } from "node:fs";
import { caseFor } from "./campaign.ts";
import { translateToFuzz } from "./ttf.ts";
const c = caseFor(2026, 135);
console.log(JSON.stringify(c.options), c.features, c.passes);
const b = await translateToFuzz(c.input, c.features, c.passes);
writeFileSync("/tmp/fz/m135.wasm", b);
console.log(b.length);

// Dev helper: binaryen's text of the functions of a module whose names match a pattern.
// Usage: node scripts/dev/wat.mjs FILE.wasm [NAME_REGEX]
import binaryen from "binaryen";
import { readFileSync } from "node:fs";
const m = binaryen.readBinary(readFileSync(process.argv[2]));
const re = new RegExp(process.argv[3] ?? ".");
for (let i = 0; i < m.getNumFunctions(); i++) {
  const f = m.getFunctionByIndex(i);
  const info = binaryen.getFunctionInfo(f);
  if (!info.module && re.test(info.name)) console.log(binaryen.emitText(info.body).replace(/^/, `;; ${info.name}\n`));
}

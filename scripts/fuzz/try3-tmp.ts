import { readFileSync } from "node:fs";
const bytes = readFileSync(process.argv[2]);
const m = new WebAssembly.Module(bytes);
const imports: any = {};
let n = 0;
for (const imp of WebAssembly.Module.imports(m)) (imports[imp.module] ??= {})[imp.name] = (...a: any[]) => { n++; return 0; };
const inst = new WebAssembly.Instance(m, imports);
for (let r = 0; r < 2; r++) for (const [name, f] of Object.entries(inst.exports)) {
  if (typeof f !== "function") continue;
  const t = performance.now();
  try { (f as any)(0, 0, 0, 0, 0, 0, 0); } catch (e) { }
  console.log(name, (performance.now() - t).toFixed(1), n);
}

// Dev helper: how fast host/memory-engine/reed-solomon.ts encodes a 4 KiB page, the figure behind
// the presets' erasureCodingBytesPerSecond. Usage: node --import tsx scripts/dev/rs-speed.mts
import { ReedSolomon } from "../../host/memory-engine/reed-solomon.ts";

const PAGE = 4096;
for (const [d, p] of [[4, 2], [2, 1]]) {
  const rs = new ReedSolomon(d, p);
  const f = PAGE / d;
  const fragments = Array.from({ length: d + p }, (_, i) => new Uint8Array(f).map((_, k) => (i * 31 + k * 7) & 0xff));
  for (let i = 0; i < 2000; i++) rs.encode(fragments); // warm-up: optimized code
  const n = 20000;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) rs.encode(fragments);
  const micros = ((performance.now() - t0) * 1000) / n;
  console.log(`${d}+${p}: ${micros.toFixed(2)} us a 4 KiB page, ${((PAGE * p) / micros).toFixed(0)} MB/s of page a parity fragment`);
}

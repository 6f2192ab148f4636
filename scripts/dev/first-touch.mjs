// The real time of copying a 4 KiB page into memory never touched before (as the swap cache's
// page-outs do: each new cache page is fresh, and the kernel faults it in on the first write)
// against memory touched before. Prints p50/p90/p99 in µs of 3000 copies each.
//   node scripts/dev/first-touch.mjs
const PAGE = 4096;
const COPIES = 3000;
const src = new Uint8Array(PAGE).fill(7);
const percentiles = (ts) => {
  ts.sort((a, b) => a - b);
  return ["p50", "p90", "p99"].map((p, i) => `${p} ${ts[Math.floor(COPIES * [0.5, 0.9, 0.99][i])].toFixed(2)}`).join(", ");
};
const time = (copy) => {
  const ts = [];
  for (let i = 0; i < COPIES; i++) {
    const t0 = performance.now();
    copy(i);
    ts.push((performance.now() - t0) * 1000);
  }
  return percentiles(ts);
};
const SLAB = 256; // pages per allocation, as host/swapfile.ts
let slab = new ArrayBuffer(0);
let used = SLAB;
console.log("fresh memory:   ", time(() => {
  if (used === SLAB) {
    slab = new ArrayBuffer(SLAB * PAGE);
    used = 0;
  }
  new Uint8Array(slab, used++ * PAGE, PAGE).set(src);
}));
const touched = new ArrayBuffer(COPIES * PAGE);
new Uint8Array(touched).fill(1);
console.log("touched before: ", time((i) => new Uint8Array(touched, i * PAGE, PAGE).set(src)));

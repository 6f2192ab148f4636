// Dev helper: what the instrumenter adds per load, in bytes: ten loads more in a straight line,
// in a function with no loop (inline refills, a region) and outside the loop of one that has one
// (the refill helper). Usage: REMORA_INSTRUMENTER=1 node scripts/dev/bytes-per-access.mjs
const { instrument } = await import("../../dist/host/instrument/index.js");
const binaryen = (await import("../../dist/host/instrument/binaryen.js")).default;
function mod(n, withLoop) {
  const loads = Array.from({ length: n }, (_, i) => `(local.set $s (i32.add (local.get $s) (i32.load offset=${i * 4 + 4} (local.get $p))))`).join("\n");
  const loop = withLoop ? `(loop $l (local.set $p (i32.add (local.get $p) (i32.const 1))) (br_if $l (i32.lt_u (local.get $p) (i32.const 10))))` : "";
  const m = binaryen.parseText(`(module (memory 1) (func (export "f") (param $p i32) (result i32) (local $s i32) ${loop} ${loads} (local.get $s)))`);
  const b = m.emitBinary(); m.dispose(); return [b.length, instrument(b, 4096).binary.length];
}
for (const loop of [false, true]) {
  const [a0, b0] = mod(10, loop), [a1, b1] = mod(20, loop);
  console.log(loop ? "outside a loop (helper):" : "loop-free function (inline refill):", "original", (a1 - a0) / 10, "bytes per load, instrumented", (b1 - b0) / 10);
}

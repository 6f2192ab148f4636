const { instrument } = await import("/tmp/fz/base/host/instrument/index.ts");
const { instrument: fixed } = await import("../../host/instrument/index.ts");
const body = [0x00, 0x00, 0x28, 0x02, 0x04, 0x1a, 0x0b]; // no locals; unreachable; i32.load offset=4; drop; end
const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
  1, 4, 1, 0x60, 0, 0,          // type: () -> ()
  3, 2, 1, 0,                   // func 0: type 0
  5, 3, 1, 0, 1,                // memory: min 1
  7, 5, 1, 1, 0x66, 0, 0,       // export "f" func 0
  10, body.length + 2, 1, body.length, ...body]);
console.log(WebAssembly.validate(bytes));
for (const f of [instrument, fixed]) try { f(bytes, 4096); console.log("ok"); } catch (e) { console.log((e as Error).message); }

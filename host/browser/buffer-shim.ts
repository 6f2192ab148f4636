// @wasmer/wasi decodes its own wasm from a base64 data URI with Node's Buffer.from, the one use of
// Buffer on its way to run in a browser (docs/DESIGN: "it needs a Buffer shim before init()").
// Installed only when there is no Buffer, before the WASI layer starts.
export function installBufferShim(): void {
  const g = globalThis as { Buffer?: unknown };
  if (g.Buffer !== undefined) return;
  g.Buffer = {
    from(data: string, encoding: string): Uint8Array {
      if (encoding !== "base64" && encoding !== "ascii") throw new Error(`Buffer shim: no ${encoding} decoding`);
      const text = encoding === "base64" ? atob(data) : data;
      return Uint8Array.from(text, (c) => c.charCodeAt(0));
    },
  };
}

// An instrumented module on disk: PREFIX.wasm (the binary) and PREFIX.json (the rest). The disk
// cache keeps modules this way, and the instrumenting child process (child.ts) hands them over so.
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import type { Instrumented } from "./index.ts";

/** The module at `prefix`, or null when it is not there or not whole. */
export function readInstrumented(prefix: string): Instrumented | null {
  try {
    const meta = JSON.parse(readFileSync(`${prefix}.json`, "utf8"));
    const binary = new Uint8Array(readFileSync(`${prefix}.wasm`));
    return {
      ...meta,
      binary,
      dataSegments: meta.dataSegments.map((d: { offset: number; base64: string }) => ({ offset: d.offset, data: new Uint8Array(Buffer.from(d.base64, "base64")) })),
    };
  } catch {
    return null;
  }
}

/** Writes a module at `prefix`, atomically (a reader never sees half a file): the binary first,
 *  then the .json, which says the entry is whole. Throws when it cannot be written. */
export function writeInstrumented(prefix: string, inst: Instrumented): void {
  const { binary, dataSegments, ...rest } = inst;
  const meta = { ...rest, dataSegments: dataSegments.map((d) => ({ offset: d.offset, base64: Buffer.from(d.data).toString("base64") })) };
  const tmp = `${prefix}.${process.pid}.tmp`;
  writeFileSync(`${tmp}.wasm`, binary);
  writeFileSync(`${tmp}.json`, JSON.stringify(meta));
  renameSync(`${tmp}.wasm`, `${prefix}.wasm`);
  renameSync(`${tmp}.json`, `${prefix}.json`);
}

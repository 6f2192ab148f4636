// Reads the few facts about a module that binaryen.js does not expose: how many memories it has
// (imported or defined) and whether any is 64-bit or shared. Only the import and memory sections
// are decoded; everything else is skipped by its length.

export interface MemoryFacts {
  memories: number;
  memory64: boolean;
  shared: boolean;
}

export class WasmFormatError extends Error {}

export function readMemoryFacts(bytes: Uint8Array): MemoryFacts {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError("not a WebAssembly module (bad magic number)");
  }
  let pos = 8;
  const facts: MemoryFacts = { memories: 0, memory64: false, shared: false };
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= bytes.length) throw new WasmFormatError("truncated module");
      const b = bytes[pos++];
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
    }
  };
  const name = (): void => {
    const len = u32();
    pos += len;
  };
  const limits = (isMemory: boolean): void => {
    const flags = u32();
    if (isMemory && flags & 4) facts.memory64 = true;
    if (isMemory && flags & 2) facts.shared = true;
    u32();
    if (flags & 1) u32();
    if (flags & 8) u32(); // custom page size
  };
  while (pos < bytes.length) {
    const id = bytes[pos++];
    const size = u32();
    const end = pos + size;
    if (end > bytes.length) throw new WasmFormatError("truncated module");
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        name();
        name();
        const kind = bytes[pos++];
        if (kind === 0) u32();
        else if (kind === 1) { pos++; limits(false); }
        else if (kind === 2) { facts.memories++; limits(true); }
        else if (kind === 3) pos += 2;
        else if (kind === 4) { pos++; u32(); }
        else break; // an encoding we do not know: the validator will have the last word
      }
    } else if (id === 5) {
      for (let n = u32(); n > 0; n--) {
        facts.memories++;
        limits(true);
      }
    }
    pos = end;
  }
  return facts;
}

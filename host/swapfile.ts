// A swap file on the real disk: page vpage lives at byte vpage * pageSize (the file is sparse).
// It is unlinked as soon as it is open, so nothing is left behind, even after a crash.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let serial = 0;

export class SwapFile {
  private fd: number;
  private stored = new Set<number>();

  constructor(private pageSize: number, dir = tmpdir()) {
    const path = join(dir, `remora-${process.pid}-${serial++}.swap`);
    this.fd = openSync(path, "w+");
    unlinkSync(path);
  }

  has(vpage: number): boolean {
    return this.stored.has(vpage);
  }

  write(vpage: number, bytes: Uint8Array): void {
    const written = writeSync(this.fd, bytes, 0, bytes.length, vpage * this.pageSize);
    if (written !== bytes.length) throw new Error(`swap file: short write of page ${vpage} (${written} of ${bytes.length} bytes)`);
    this.stored.add(vpage);
  }

  read(vpage: number, into: Uint8Array): void {
    const got = readSync(this.fd, into, 0, into.length, vpage * this.pageSize);
    if (got !== into.length) throw new Error(`swap file: short read of page ${vpage} (${got} of ${into.length} bytes)`);
  }

  get pagesStored(): number {
    return this.stored.size;
  }

  close(): void {
    closeSync(this.fd);
  }
}

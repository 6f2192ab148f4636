// A disk model: the time to move data between memory and the disk, and a single arm that serves
// requests in order. Times of the arm in microseconds; the model's own figures in its datasheet's
// units (milliseconds, bytes per second).
export interface DiskModel {
  name: string;
  description: string;
  /** Average seek time (for a flash drive: its whole access latency, see nvme.ts). */
  seekMillis: number;
  /** Average rotational delay: half a revolution (0 for flash). */
  rotationMillis: number;
  /** Sustained media transfer rate. */
  bytesPerSecond: number;
  /** Where each number comes from. */
  assumptions: string[];
}

/** Seconds to read or write `bytes` at a random position: seek + rotation + size / rate. */
export function diskTransferSeconds(disk: DiskModel, bytes: number): number {
  return (disk.seekMillis + disk.rotationMillis) / 1000 + bytes / disk.bytesPerSecond;
}

/** Microseconds one request holds the arm: seek + rotation + transfer, or only the transfer when
 *  the request is sequential (it starts where the previous one ended). */
export function diskServiceMicros(disk: DiskModel, bytes: number, sequential: boolean): number {
  const transferMicros = (bytes / disk.bytesPerSecond) * 1e6;
  return sequential ? transferMicros : (disk.seekMillis + disk.rotationMillis) * 1000 + transferMicros;
}

/**
 * The disk's single arm: one request at a time, first come first served.
 * A request starts when it is issued and the arm is free, start = max(now, busyUntil), and holds the
 * arm for its service time. The sequential-access discount: a request for block b right after one
 * for block b - 1 finds the head already at its first sector (the previous transfer left it there),
 * so it pays only the transfer, no seek and no rotational delay. Any other request, the first one
 * and a repeat of the same block included, pays seek + rotation + transfer. A block is the unit the
 * caller addresses (a page-sized swap slot), so a sequential run is consecutive slots.
 */
export class DiskArm {
  private busyUntil = 0;
  private lastBlock: number | null = null;
  /** Requests served, and how many of them were sequential. */
  accesses = 0;
  sequentialAccesses = 0;

  constructor(readonly disk: DiskModel) {}

  /** Reads or writes `bytes` at `block` (spanning `blocks` consecutive blocks), issued at
   *  `nowMicros`; returns when it completes. The arm ends on the last block. */
  access(nowMicros: number, block: number, bytes: number, blocks = 1): number {
    if (!Number.isFinite(nowMicros)) throw new RangeError(`request time must be a finite number of microseconds, not ${nowMicros}`);
    if (!Number.isInteger(block) || block < 0) throw new RangeError(`block must be a non-negative integer, not ${block}`);
    if (!Number.isFinite(bytes) || bytes < 0) throw new RangeError(`a request must move a non-negative number of bytes, not ${bytes}`);
    const sequential = this.lastBlock !== null && block === this.lastBlock + 1;
    const start = Math.max(nowMicros, this.busyUntil);
    this.busyUntil = start + diskServiceMicros(this.disk, bytes, sequential);
    this.lastBlock = block + blocks - 1;
    this.accesses++;
    if (sequential) this.sequentialAccesses++;
    return this.busyUntil;
  }

  /** When the arm finishes the requests it has been given (0 when unused). */
  get busyUntilMicros(): number {
    return this.busyUntil;
  }

  /** An idle arm at an unknown position, as at time 0. */
  reset(): void {
    this.busyUntil = 0;
    this.lastBlock = null;
    this.accesses = 0;
    this.sequentialAccesses = 0;
  }
}

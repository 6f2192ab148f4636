// A disk model: the time to move one page between memory and the disk.
// Issue #3 adds queueing and a sequential-access discount; this is the cost-model skeleton.
export interface DiskModel {
  name: string;
  description: string;
  /** Average seek time. */
  seekMillis: number;
  /** Average rotational delay: half a revolution. */
  rotationMillis: number;
  /** Sustained media transfer rate. */
  bytesPerSecond: number;
}

/** Seconds to read or write `bytes` at a random position: seek + rotation + size / rate. */
export function diskTransferSeconds(disk: DiskModel, bytes: number): number {
  return (disk.seekMillis + disk.rotationMillis) / 1000 + bytes / disk.bytesPerSecond;
}

// A preset names a consistent machine: page size, clock, access cost, local memory and disk.
// Every value can be overridden on the command line; the resolved values go into every result.
export interface Preset {
  name: string;
  description: string;
  pageSizeBytes: number;
  clockHz: number;
  /** Cycles of one access to a resident local page (the unit of Markatos' access cost). */
  localAccessCycles: number;
  /** Local memory when neither --local-mem nor --local-pages is given. */
  localMemBytes: number;
  /** Name in host/disks/index.ts. */
  disk: string;
  /** Name in host/links/index.ts: the network to the memory engine and servers. */
  link: string;
  /** Cycles of one load or store performed on a memory server's copy of a page, in hardware and
   *  in software (REMOTE_MAIN, COUNTERS; SOFTWARE_COUNTERS). */
  remoteAccessCycles: number;
  softwareRemoteAccessCycles: number;
  /** COUNTERS: the interrupt that migrates a page whose counter reached zero, before its transfer. */
  counterInterruptCycles: number;
  /** The client's own cost of a major page fault (trap, paging code path), on top of the transfer. */
  faultHandlingMicros: number;
  /** Whether page transfers go through a memory engine (Anemone) or straight from the client's
   *  pager to the servers (Markatos'96). */
  memoryEngine: boolean;
  /** --compress: how fast the client's core runs the page codecs, relative to the core their
   *  published speeds were measured on (host/compression/codec.ts: a 2.7 GHz Core i5-3340M). */
  codecSpeedRatio: number;
  /** --redundancy ec:D+P: the client's Reed–Solomon speed, in bytes of page coded against one
   *  fragment's row of the matrix per second: encoding costs P x page bytes at this rate, and
   *  rebuilding m lost data fragments m x page bytes (host/memory-engine/redundancy.ts). */
  erasureCodingBytesPerSecond: number;
  /** Memory servers and the memory each offers, when --servers / --server-mem are not given. */
  servers: number;
  serverMemBytes: number;
  /** Where each number comes from. */
  assumptions: string[];
}

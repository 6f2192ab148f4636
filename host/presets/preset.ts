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
  /** Where each number comes from. */
  assumptions: string[];
}

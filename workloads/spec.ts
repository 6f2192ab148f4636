// What the host knows about a workload. The program itself (program.ts beside each index.ts) is
// ordinary AssemblyScript exporting `run(n: i32, seed: u32): u32`, which returns a checksum.
export const SIZES = ["tiny", "small", "medium", "large"] as const;
export type SizeName = (typeof SIZES)[number];

export interface WorkloadSpec {
  /** Name on the command line; the program is workloads/<name>/program.ts. */
  name: string;
  description: string;
  /** How the program touches memory, in a phrase (workloads/README.md lists them). */
  accessPattern: string;
  /** The single size parameter `n` passed to run() for each named size. */
  sizes: Record<SizeName, number>;
  /** Bytes of data the program touches at parameter n (its heap, not counting code or stack). */
  workingSetBytes(n: number): number;
  /** Independent TypeScript implementation: must return the same checksum as the program. */
  reference(n: number, seed: number): number;
}

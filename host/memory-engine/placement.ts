// Where the memory engine puts a page it is given: one function per strategy, by name.
// A strategy returns servers in the order to try; the engine falls through to the next when one
// refuses (it is full), and to the disk when all do.

export interface PlacementState {
  /** Pages each server holds, as the engine counts them. */
  held: number[];
  /** Servers that have refused a page: full. */
  full: boolean[];
  /** Pages placed so far (round robin's turn). */
  placed: number;
}

export type Placement = (state: PlacementState) => number[];

const rotate = (n: number, first: number): number[] => Array.from({ length: n }, (_, i) => (first + i) % n);

export const PLACEMENTS: Record<string, Placement> = {
  /** Anemone's default: servers in turn. */
  "round-robin": (s) => rotate(s.held.length, s.placed % s.held.length),
  /** The server holding the fewest pages first (ties: the lowest index). */
  "least-loaded": (s) => s.held.map((h, i) => [h, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i),
};

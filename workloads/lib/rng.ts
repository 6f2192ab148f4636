// The TypeScript twin of workloads/lib/rng.as.ts, for the reference implementations in tests.
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = ((seed ^ 0x9e3779b9) | 1) >>> 0;
  }
  nextU32(): number {
    let x = this.state;
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    this.state = x;
    return x;
  }
  /** Uniform in [0, 1) with 32 random bits. */
  nextF64(): number {
    return this.nextU32() / 4294967296.0;
  }
}

export const CHECKSUM_INIT = 2166136261;

/** FNV-1a over 32-bit words. */
export function mix(h: number, word: number): number {
  return Math.imul((h ^ word) >>> 0, 16777619) >>> 0;
}

const f64Scratch = new Float64Array(1);
const u32View = new Uint32Array(f64Scratch.buffer);

export function mixF64(h: number, x: number): number {
  f64Scratch[0] = x;
  return mix(mix(h, u32View[0]), u32View[1]);
}

// xorshift32: the one input generator of every workload. workloads/lib/rng.ts is the same
// generator in TypeScript for the reference implementations; the two must stay bit-identical.
let rngState: u32 = 1;

export function seedRng(seed: u32): void {
  rngState = (seed ^ 0x9e3779b9) | 1;
}

export function nextU32(): u32 {
  let x = rngState;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  rngState = x;
  return x;
}

/** Uniform in [0, 1) with 32 random bits. */
export function nextF64(): f64 {
  return <f64>nextU32() / 4294967296.0;
}

/** FNV-1a over 32-bit words: every workload's checksum. */
export function mix(h: u32, word: u32): u32 {
  return (h ^ word) * 16777619;
}

export const CHECKSUM_INIT: u32 = 2166136261;

/** Mixes both halves of an f64's bits, so a checksum sees every bit of a float result. */
export function mixF64(h: u32, x: f64): u32 {
  const bits = reinterpret<u64>(x);
  return mix(mix(h, <u32>bits), <u32>(bits >> 32));
}

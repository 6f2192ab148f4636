// TRANS (Markatos'96): transpose an n x n matrix of 32-bit words. The write side walks a
// column, so consecutive stores land n*4 bytes apart: no locality once a row exceeds a page.
import { seedRng, nextU32, mix, CHECKSUM_INIT } from "../lib/rng.as";

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  const words = <usize>n * <usize>n;
  const src = heap.alloc(words << 2);
  const dst = heap.alloc(words << 2);
  for (let k: usize = 0; k < words; k++) store<u32>(src + (k << 2), nextU32());
  for (let i = 0; i < n; i++) {
    const row = src + ((<usize>i * <usize>n) << 2);
    for (let j = 0; j < n; j++) {
      store<u32>(dst + ((<usize>j * <usize>n + <usize>i) << 2), load<u32>(row + (<usize>j << 2)));
    }
  }
  let h = CHECKSUM_INIT;
  for (let k: usize = 0; k < words; k++) h = mix(h, load<u32>(dst + (k << 2)));
  return h;
}

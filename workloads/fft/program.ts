// FFT (Markatos & Dramitinos, USENIX'96): an in-place radix-2 decimation-in-time FFT of n complex
// points (n a power of two), stored interleaved (re, im) as f64. A bit-reversal permutation first
// swaps elements across the whole array; then log2(n) passes each pair elements len/2 apart.
// Twiddles come from a table built with +, -, *, / and sqrt only, so a TypeScript reference
// performs exactly the same IEEE operations (no sin/cos, whose last bits differ between engines).
import { seedRng, nextF64, mixF64, CHECKSUM_INIT } from "../lib/rng.as";

export function run(n: i32, seed: u32): u32 {
  seedRng(seed);
  const N = <usize>n;
  let logN: usize = 0;
  while ((<usize>1 << logN) < N) logN++;

  // Input: n complex points, 16 bytes each.
  const data = heap.alloc(N << 4);
  for (let k: usize = 0; k < N; k++) {
    const p = data + (k << 4);
    store<f64>(p, nextF64() * 2.0 - 1.0);
    store<f64>(p + 8, nextF64() * 2.0 - 1.0);
  }

  // Principal roots exp(-2*pi*i / 2^m), m = 1..logN, by half-angle recurrences from cos(pi) = -1.
  const roots = heap.alloc((logN + 2) << 4);
  for (let m: usize = 1; m <= logN; m++) {
    let c: f64, s: f64;
    if (m == 1) {
      c = -1.0;
      s = 0.0;
    } else if (m == 2) {
      c = 0.0;
      s = 1.0;
    } else {
      const pc = load<f64>(roots + ((m - 1) << 4));
      const ps = -load<f64>(roots + ((m - 1) << 4) + 8);
      c = Math.sqrt((1.0 + pc) * 0.5);
      s = ps / (2.0 * c);
    }
    store<f64>(roots + (m << 4), c);
    store<f64>(roots + (m << 4) + 8, -s);
  }

  // Twiddle table tw[k] = exp(-2*pi*i*k/n), k < n/2: tw[2^j + k] = tw[k] * exp(-2*pi*i*2^j/n).
  const half = N >> 1;
  const tw = heap.alloc((half > 0 ? half : 1) << 4);
  store<f64>(tw, 1.0);
  store<f64>(tw + 8, 0.0);
  for (let j: usize = 0; (<usize>1 << j) < half; j++) {
    const r = roots + ((logN - j) << 4);
    const rr = load<f64>(r);
    const ri = load<f64>(r + 8);
    const base = <usize>1 << j;
    for (let k: usize = 0; k < base; k++) {
      const src = tw + (k << 4);
      const a = load<f64>(src);
      const b = load<f64>(src + 8);
      const dst = tw + ((base + k) << 4);
      store<f64>(dst, a * rr - b * ri);
      store<f64>(dst + 8, a * ri + b * rr);
    }
  }

  // Bit-reversal permutation.
  let rev: usize = 0;
  for (let i: usize = 0; i + 1 < N; i++) {
    if (i < rev) {
      const pi = data + (i << 4);
      const pj = data + (rev << 4);
      const xr = load<f64>(pi);
      const xi = load<f64>(pi + 8);
      store<f64>(pi, load<f64>(pj));
      store<f64>(pi + 8, load<f64>(pj + 8));
      store<f64>(pj, xr);
      store<f64>(pj + 8, xi);
    }
    let bit = N >> 1;
    while ((rev & bit) != 0) {
      rev ^= bit;
      bit >>= 1;
    }
    rev |= bit;
  }

  // Butterfly passes.
  for (let len: usize = 2; len <= N; len <<= 1) {
    const h = len >> 1;
    const step = N / len;
    for (let s: usize = 0; s < N; s += len) {
      for (let k: usize = 0; k < h; k++) {
        const w = tw + ((k * step) << 4);
        const wr = load<f64>(w);
        const wi = load<f64>(w + 8);
        const pa = data + ((s + k) << 4);
        const pb = pa + (h << 4);
        const br = load<f64>(pb);
        const bi = load<f64>(pb + 8);
        const vr = br * wr - bi * wi;
        const vi = br * wi + bi * wr;
        const ar = load<f64>(pa);
        const ai = load<f64>(pa + 8);
        store<f64>(pa, ar + vr);
        store<f64>(pa + 8, ai + vi);
        store<f64>(pb, ar - vr);
        store<f64>(pb + 8, ai - vi);
      }
    }
  }

  let hsh = CHECKSUM_INIT;
  for (let k: usize = 0; k < N; k++) {
    const p = data + (k << 4);
    hsh = mixF64(hsh, load<f64>(p));
    hsh = mixF64(hsh, load<f64>(p + 8));
  }
  return hsh;
}

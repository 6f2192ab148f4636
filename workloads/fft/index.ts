import type { WorkloadSpec } from "../spec.ts";
import { CHECKSUM_INIT, Rng, mixF64 } from "../lib/rng.ts";

export const fft: WorkloadSpec = {
  name: "fft",
  description:
    "radix-2 complex FFT of n points (the FFT program of Markatos & Dramitinos, " +
    "\"Implementation of a Reliable Remote Memory Pager\", USENIX'96)",
  accessPattern:
    "bit-reversal swaps scattered over the array, then log2(n) passes each pairing points " +
    "len/2 apart (two sequential streams up to n*8 bytes apart) plus a strided twiddle table; n a power of two",
  // n: complex points (16 bytes each), a power of two; the twiddle table adds 8 bytes per point.
  sizes: { tiny: 1 << 15, small: 1 << 19, medium: 1 << 22, large: 1 << 23 },
  workingSetBytes: (n) => 16 * n + 16 * Math.max(1, n >> 1),
  reference(n, seed) {
    const rng = new Rng(seed);
    let logN = 0;
    while (2 ** logN < n) logN++;
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      re[k] = rng.nextF64() * 2 - 1;
      im[k] = rng.nextF64() * 2 - 1;
    }
    // exp(-2*pi*i / 2^m) from cos(pi) = -1, cos(pi/2) = 0 and half-angle formulas.
    const rootC = new Float64Array(logN + 1);
    const rootS = new Float64Array(logN + 1); // sin of the positive angle
    for (let m = 1; m <= logN; m++) {
      if (m === 1) {
        rootC[m] = -1;
        rootS[m] = 0;
      } else if (m === 2) {
        rootC[m] = 0;
        rootS[m] = 1;
      } else {
        rootC[m] = Math.sqrt((1 + rootC[m - 1]) * 0.5);
        rootS[m] = rootS[m - 1] / (2 * rootC[m]);
      }
    }
    const half = n >> 1;
    const twR = new Float64Array(Math.max(1, half));
    const twI = new Float64Array(Math.max(1, half));
    twR[0] = 1;
    twI[0] = 0;
    for (let j = 0; 2 ** j < half; j++) {
      const base = 2 ** j;
      const rr = rootC[logN - j];
      const ri = -rootS[logN - j];
      for (let k = 0; k < base; k++) {
        const a = twR[k];
        const b = twI[k];
        twR[base + k] = a * rr - b * ri;
        twI[base + k] = a * ri + b * rr;
      }
    }
    // Bit reversal by explicit reversal of each index.
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < logN; b++) r = (r << 1) | ((i >>> b) & 1);
      if (i < r) {
        let t = re[i];
        re[i] = re[r];
        re[r] = t;
        t = im[i];
        im[i] = im[r];
        im[r] = t;
      }
    }
    for (let len = 2; len <= n; len *= 2) {
      const h = len / 2;
      const step = n / len;
      for (let s = 0; s < n; s += len) {
        for (let k = 0; k < h; k++) {
          const wr = twR[k * step];
          const wi = twI[k * step];
          const a = s + k;
          const b = a + h;
          const vr = re[b] * wr - im[b] * wi;
          const vi = re[b] * wi + im[b] * wr;
          const ar = re[a];
          const ai = im[a];
          re[a] = ar + vr;
          im[a] = ai + vi;
          re[b] = ar - vr;
          im[b] = ai - vi;
        }
      }
    }
    let h = CHECKSUM_INIT;
    for (let k = 0; k < n; k++) {
      h = mixF64(h, re[k]);
      h = mixF64(h, im[k]);
    }
    return h;
  },
};

// fft: iterative radix-2 Cooley-Tukey FFT of complex doubles (interleaved re, im), forward then
// inverse, repeated (signal processing, spectral methods, polynomial multiplication).
// Access pattern: a bit-reversal permutation (swaps between far-apart pages), then log2 N passes
// whose butterflies pair elements len/2 apart (16 B apart in the first pass, N * 8 B in the last),
// and a twiddle table read at a stride that halves each pass.
// Size: argv[1] = log2 of the number of points (default 19: 8 MiB of data; 4 round trips);
// test size: 11.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ROUNDS 4

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* In place on z (n complex numbers); w holds exp(-2 pi i k / n) for k < n / 2. */
static void fft(int n, double *z, const double *w, int inverse) {
  for (int i = 1, j = 0; i < n; i++) {
    int bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      double re = z[2 * i], im = z[2 * i + 1];
      z[2 * i] = z[2 * j];
      z[2 * i + 1] = z[2 * j + 1];
      z[2 * j] = re;
      z[2 * j + 1] = im;
    }
  }
  for (int len = 2; len <= n; len <<= 1) {
    int half = len >> 1, step = n / len;
    for (int i = 0; i < n; i += len)
      for (int k = 0; k < half; k++) {
        double wr = w[2 * k * step], wi = inverse ? -w[2 * k * step + 1] : w[2 * k * step + 1];
        double *a = z + 2 * (i + k), *b = z + 2 * (i + k + half);
        double tr = b[0] * wr - b[1] * wi, ti = b[0] * wi + b[1] * wr;
        b[0] = a[0] - tr;
        b[1] = a[1] - ti;
        a[0] += tr;
        a[1] += ti;
      }
  }
  if (inverse)
    for (int i = 0; i < 2 * n; i++) z[i] /= n;
}

__attribute__((noinline)) static void kernel(int n, double *z, const double *w) {
  for (int r = 0; r < ROUNDS; r++) {
    fft(n, z, w, 0);
    fft(n, z, w, 1);
  }
}

int main(int argc, char **argv) {
  int n = 1 << (argc > 1 ? atoi(argv[1]) : 19);
  double *z = malloc(sizeof(double) * 2 * n), *w = malloc(sizeof(double) * n);
  for (int k = 0; k < n / 2; k++) {
    w[2 * k] = cos(-2.0 * M_PI * k / n);
    w[2 * k + 1] = sin(-2.0 * M_PI * k / n);
  }
  for (int i = 0; i < n; i++) {
    z[2 * i] = (double)(i % 64) / 8.0 - 4.0;
    z[2 * i + 1] = (double)((i * 7) % 16) / 16.0;
  }
  long long t0 = now_ns();
  kernel(n, z, w);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < 2 * n; i++) h = mix(h, bits(z[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

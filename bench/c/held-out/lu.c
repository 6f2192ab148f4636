// lu: LU factorization with partial pivoting (Gaussian elimination, as in LINPACK's dgefa or
// LAPACK's unblocked dgetf2), right-looking, row-major, double.
// Access pattern: each step searches the pivot down a column (a stride of n * 8 bytes), swaps two
// rows, then updates the trailing submatrix row by row (8-byte streams that shrink every step,
// with the pivot row reread for every row below it).
// Size: argv[1] = n, the dimension (default 1100); test size: 64.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* Overwrites a with L (below the diagonal, unit diagonal implied) and U; pivots[k] is the row
 * swapped with row k at step k. */
__attribute__((noinline)) static void lu(int n, double *a, int *pivots) {
  for (int k = 0; k < n; k++) {
    int p = k;
    for (int i = k + 1; i < n; i++)
      if (fabs(a[i * n + k]) > fabs(a[p * n + k])) p = i;
    pivots[k] = p;
    if (p != k)
      for (int j = 0; j < n; j++) {
        double t = a[k * n + j];
        a[k * n + j] = a[p * n + j];
        a[p * n + j] = t;
      }
    double inv = 1.0 / a[k * n + k];
    for (int i = k + 1; i < n; i++) {
      double l = a[i * n + k] * inv;
      a[i * n + k] = l;
      for (int j = k + 1; j < n; j++) a[i * n + j] -= l * a[k * n + j];
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1100;
  double *a = malloc(sizeof(double) * n * n);
  int *pivots = malloc(sizeof(int) * n);
  uint32_t seed = 21;
  for (int i = 0; i < n * n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (double)(seed >> 8) / 16777216.0 - 0.5;
  }
  long long t0 = now_ns();
  lu(n, a, pivots);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = mix(h, bits(a[i]));
  for (int k = 0; k < n; k++) h = mix(h, (uint64_t)pivots[k]);
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

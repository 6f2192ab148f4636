// gemvt: the transposed matrix-vector product y = A^T x (BLAS's dgemv with trans = 'T') on a
// row-major matrix, repeated as a power iteration (x <- A^T x / |A^T x|), double.
// Access pattern: each y[j] is a dot product down column j of A (a stride of n * 8 bytes, a new
// page every access or two) against x read as a unit-stride stream; then a pass over y.
// Size: argv[1] = n, the dimension (default 1200; 150 products); test size: 48.
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PRODUCTS 150

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* PRODUCTS steps of the power iteration for A^T, from x; leaves the last iterate in x. */
__attribute__((noinline)) static void power(int n, const double *a, double *x, double *y) {
  for (int p = 0; p < PRODUCTS; p++) {
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int i = 0; i < n; i++) s += a[i * n + j] * x[i];
      y[j] = s;
    }
    double norm = 0;
    for (int j = 0; j < n; j++) norm += y[j] * y[j];
    norm = sqrt(norm);
    for (int j = 0; j < n; j++) x[j] = y[j] / norm;
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1200;
  double *a = malloc(sizeof(double) * n * n), *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
  uint32_t seed = 11;
  for (int i = 0; i < n * n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (double)(seed >> 8) / 16777216.0;
  }
  for (int i = 0; i < n; i++) x[i] = 1.0 / (1 + i % 7);
  long long t0 = now_ns();
  power(n, a, x, y);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = mix(h, bits(x[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

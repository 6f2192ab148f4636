// cholesky: Cholesky factorization A = L L^T of a symmetric positive definite matrix (row-major,
// double), in the Cholesky-Crout order: each L[i][j] is a dot product of rows i and j of L.
// Access pattern: triangular loops; the inner dot product streams two rows (8-byte stride) of
// lengths that grow with j, while each result is written down column j (a stride of n * 8 bytes);
// one sqrt per column.
// Size: argv[1] = n, the dimension of A (default 1200); test size: 110.
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

/* Overwrites the lower triangle of a with L. */
__attribute__((noinline)) static void cholesky(int n, double *a) {
  for (int j = 0; j < n; j++) {
    double s = a[j * n + j];
    for (int k = 0; k < j; k++) s -= a[j * n + k] * a[j * n + k];
    double d = sqrt(s);
    a[j * n + j] = d;
    for (int i = j + 1; i < n; i++) {
      double t = a[i * n + j];
      for (int k = 0; k < j; k++) t -= a[i * n + k] * a[j * n + k];
      a[i * n + j] = t / d;
    }
  }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1200;
  double *a = malloc(sizeof(double) * n * n);
  // Symmetric and diagonally dominant, hence positive definite.
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a[i * n + j] = i == j ? (double)n : 1.0 / (1.0 + abs(i - j)) + (double)((i + j) % 5) * 0.01;
  long long t0 = now_ns();
  cholesky(n, a);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++)
    for (int j = 0; j <= i; j++) h = mix(h, bits(a[i * n + j]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

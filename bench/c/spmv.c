// spmv: sparse matrix-vector product y = A x in compressed sparse row (CSR) form, double values
// and 32-bit column indices, repeated (iterative solvers, PageRank, graph analytics).
// Access pattern: the values, column indices and row offsets stream (8- and 4-byte loads); x is
// gathered at the column indices: half near the diagonal, half anywhere (a random page each).
// Size: argv[1] = n, the rows in thousands (default 300; 12 non-zeros a row, 40 products);
// test size: 1.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PER_ROW 12
#define PRODUCTS 40

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

__attribute__((noinline)) static void spmv(int n, const int32_t *rows, const int32_t *cols, const double *vals, double *x, double *y) {
  for (int p = 0; p < PRODUCTS; p++) {
    for (int i = 0; i < n; i++) {
      double s = 0;
      for (int k = rows[i]; k < rows[i + 1]; k++) s += vals[k] * x[cols[k]];
      y[i] = s;
    }
    double *t = x; // the next product multiplies the result
    x = y;
    y = t;
  }
}

int main(int argc, char **argv) {
  int n = (argc > 1 ? atoi(argv[1]) : 300) * 1000;
  int32_t *rows = malloc(sizeof(int32_t) * (n + 1)), *cols = malloc(sizeof(int32_t) * n * PER_ROW);
  double *vals = malloc(sizeof(double) * n * PER_ROW), *x = malloc(sizeof(double) * n), *y = malloc(sizeof(double) * n);
  uint32_t seed = 9;
  int k = 0;
  for (int i = 0; i < n; i++) {
    rows[i] = k;
    for (int e = 0; e < PER_ROW; e++, k++) {
      seed = seed * 1664525u + 1013904223u;
      int near = i + (int)(seed >> 27) - 16;
      cols[k] = e % 2 == 0 && near >= 0 && near < n ? near : (int)(((uint64_t)seed * n) >> 32);
      // Rows sum to less than 1 in absolute value: the iterates stay bounded.
      vals[k] = ((double)(seed & 0xffff) / 65536.0 - 0.5) / PER_ROW;
    }
  }
  rows[n] = k;
  for (int i = 0; i < n; i++) x[i] = 1.0 + (i % 10) * 0.1;
  long long t0 = now_ns();
  spmv(n, rows, cols, vals, x, y);
  long long t1 = now_ns();
  // After an even number of products the last result is in x.
  double *r = PRODUCTS % 2 ? y : x;
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = mix(h, bits(r[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

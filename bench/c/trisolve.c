// trisolve: forward substitution L x = b for a lower-triangular L (row-major, double), one
// right-hand side after another, in the column-oriented ("axpy") order LAPACK's dtrsv uses for
// column-major storage.
// Access pattern: after x[j] is known, column j of L below the diagonal is walked (a stride of
// n * 8 bytes) and x[j+1..n) updated: a triangular loop whose inner trip count shrinks, and a
// column walk that touches a new page every access.
// Size: argv[1] = n, the dimension of L (default 1000; 448 right-hand sides); test size: 64.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RHS 448

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* Solves in place: x holds the RHS right-hand sides, one after another, and ends as the solutions. */
__attribute__((noinline)) static void solve(int n, const double *l, double *x) {
  for (int r = 0; r < RHS; r++, x += n)
    for (int j = 0; j < n; j++) {
      double xj = x[j] / l[j * n + j];
      x[j] = xj;
      for (int i = j + 1; i < n; i++) x[i] -= l[i * n + j] * xj;
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  double *l = malloc(sizeof(double) * n * n), *x = malloc(sizeof(double) * n * RHS);
  uint32_t seed = 7;
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      seed = seed * 1664525u + 1013904223u;
      // Diagonally dominant: the solution stays bounded.
      l[i * n + j] = j > i ? 0.0 : j == i ? 2.0 + (seed >> 28) : ((double)(seed >> 8) / 16777216.0 - 0.5) / n;
    }
  for (int i = 0; i < n * RHS; i++) x[i] = (double)(i % 29) - 14.0;
  long long t0 = now_ns();
  solve(n, l, x);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * RHS; i++) h = mix(h, bits(x[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

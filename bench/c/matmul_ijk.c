// matmul_ijk: dense matrix product C = A * B in the textbook i-j-k loop order, double.
// Access pattern: the inner loop walks a row of A (8-byte stride) and a *column* of B (a stride of
// n * 8 bytes: a new 4 KiB page every access or two once n >= 512); C is written once per element.
// Size: argv[1] = n, the matrices' dimension (default 600); test size: 64.
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

__attribute__((noinline)) static void matmul(int n, const double *a, const double *b, double *c) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) {
      double s = 0;
      for (int k = 0; k < n; k++) s += a[i * n + k] * b[k * n + j];
      c[i * n + j] = s;
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 600;
  double *a = malloc(sizeof(double) * n * n), *b = malloc(sizeof(double) * n * n), *c = malloc(sizeof(double) * n * n);
  for (int i = 0; i < n * n; i++) {
    a[i] = (double)(i % 17) / 16.0 - 0.5;
    b[i] = (double)(i % 13) / 12.0 + 0.25;
  }
  long long t0 = now_ns();
  matmul(n, a, b, c);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = mix(h, bits(c[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

// matmul_ikj: dense matrix product C = A * B in the cache-friendly i-k-j loop order, float.
// Access pattern: the inner loop streams a row of B and a row of C (4-byte stride, read-modify-write
// of C) with A[i][k] held in a register: long unit-stride runs over a 4-byte element type.
// Size: argv[1] = n, the matrices' dimension (default 800); test size: 64.
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
static uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

__attribute__((noinline)) static void matmul(int n, const float *a, const float *b, float *c) {
  for (int i = 0; i < n; i++)
    for (int k = 0; k < n; k++) {
      float aik = a[i * n + k];
      for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 800;
  float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n), *c = calloc((size_t)n * n, sizeof(float));
  for (int i = 0; i < n * n; i++) {
    a[i] = (float)(i % 11) * 0.125f - 0.5f;
    b[i] = (float)(i % 7) * 0.25f - 0.75f;
  }
  long long t0 = now_ns();
  matmul(n, a, b, c);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = mix(h, bits(c[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

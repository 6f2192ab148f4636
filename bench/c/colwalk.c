// colwalk: column sums of a row-major int matrix, column by column (the loop order a Fortran
// habit or a column-wise reduction gives), repeated.
// Access pattern: the inner loop steps down a column, n * 4 bytes per access: with n = 2000 every
// access is on a new 4 KiB page (the worst case for a per-instruction TLB entry), 4-byte loads.
// Size: argv[1] = n, the matrix's side (default 2000; 48 passes); test size: 110.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PASSES 48

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

__attribute__((noinline)) static void column_sums(int n, const int32_t *a, int64_t *sums) {
  for (int p = 0; p < PASSES; p++)
    for (int j = 0; j < n; j++) {
      int64_t s = 0;
      for (int i = 0; i < n; i++) s += a[i * n + j];
      sums[j] += s * (p + 1);
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  int32_t *a = malloc(sizeof(int32_t) * n * n);
  int64_t *sums = calloc(n, sizeof(int64_t));
  uint32_t seed = 3;
  for (int i = 0; i < n * n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (int32_t)(seed >> 4) - (1 << 27);
  }
  long long t0 = now_ns();
  column_sums(n, a, sums);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int j = 0; j < n; j++) h = mix(h, (uint64_t)sums[j]);
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

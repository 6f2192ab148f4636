// bitonic: bitonic sorting network over 32-bit signed integers (GPU sorts, sorting networks in
// databases and SIMD code), run as plain scalar loops.
// Access pattern: log2(N) * (log2(N) + 1) / 2 passes over the whole array, each comparing and
// swapping elements j apart, with j from N/2 down to 1: strides from far pages to neighbours,
// 4-byte loads and data-dependent stores.
// Size: argv[1] = log2 of the number of elements (default 20: 4 MiB); test size: 12.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static void bitonic_sort(uint32_t n, int32_t *a) {
  for (uint32_t k = 2; k <= n; k <<= 1)
    for (uint32_t j = k >> 1; j > 0; j >>= 1)
      for (uint32_t i = 0; i < n; i++) {
        uint32_t l = i ^ j;
        if (l > i) {
          int32_t x = a[i], y = a[l];
          if ((i & k) == 0 ? x > y : x < y) {
            a[i] = y;
            a[l] = x;
          }
        }
      }
}

int main(int argc, char **argv) {
  uint32_t n = 1u << (argc > 1 ? atoi(argv[1]) : 20);
  int32_t *a = malloc(sizeof(int32_t) * n);
  uint32_t seed = 31;
  for (uint32_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    a[i] = (int32_t)seed;
  }
  long long t0 = now_ns();
  bitonic_sort(n, a);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  int sorted = 1;
  for (uint32_t i = 0; i < n; i++) {
    h = (h ^ (uint32_t)a[i] ^ (uint64_t)i << 32) * 0x100000001b3ULL;
    if (i > 0 && a[i - 1] > a[i]) sorted = 0;
  }
  printf("kernel_ns=%lld checksum=%016llx%s\n", t1 - t0, (unsigned long long)h, sorted ? "" : "-UNSORTED");
  return 0;
}

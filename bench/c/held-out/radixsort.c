// radixsort: least-significant-digit radix sort of 32-bit keys with a 16-bit payload carried
// along, 8 bits per pass (database sorts, suffix array construction, GPU-style sorting).
// Access pattern: per pass, a streaming read that counts digits into a 256-entry table, then a
// scatter: each element goes to one of 256 write cursors, so 256 output streams advance at once
// (4-byte and 2-byte stores), plus the reads of the cursor table.
// Size: argv[1] = n, the keys in thousands (default 4000; 3 sorts); test size: 4.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SORTS 3

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Sorts keys (and tags alongside) using tmp_keys and tmp_tags; 4 passes, so the result ends in keys. */
static void radix_sort(uint32_t n, uint32_t *keys, uint16_t *tags, uint32_t *tmp_keys, uint16_t *tmp_tags) {
  for (int shift = 0; shift < 32; shift += 8) {
    uint32_t count[256] = {0};
    for (uint32_t i = 0; i < n; i++) count[keys[i] >> shift & 255]++;
    uint32_t sum = 0;
    for (int d = 0; d < 256; d++) {
      uint32_t c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (uint32_t i = 0; i < n; i++) {
      uint32_t at = count[keys[i] >> shift & 255]++;
      tmp_keys[at] = keys[i];
      tmp_tags[at] = tags[i];
    }
    uint32_t *k = keys;
    keys = tmp_keys;
    tmp_keys = k;
    uint16_t *t = tags;
    tags = tmp_tags;
    tmp_tags = t;
  }
}

__attribute__((noinline)) static uint64_t kernel(uint32_t n, const uint32_t *input, uint32_t *keys, uint16_t *tags, uint32_t *tmp_keys, uint16_t *tmp_tags) {
  uint64_t h = 14695981039346656037ULL;
  for (int s = 0; s < SORTS; s++) {
    // Each sort sees the input with a different bit pattern flipped: different orders.
    for (uint32_t i = 0; i < n; i++) {
      keys[i] = input[i] ^ (0x9E3779B9u * (uint32_t)s);
      tags[i] = (uint16_t)i;
    }
    radix_sort(n, keys, tags, tmp_keys, tmp_tags);
    for (uint32_t i = 0; i < n; i += 1 + (n >> 12)) h = (h ^ keys[i] ^ (uint64_t)tags[i] << 32) * 0x100000001b3ULL;
  }
  return h;
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 4000) * 1000u;
  uint32_t *input = malloc(sizeof(uint32_t) * n), *keys = malloc(sizeof(uint32_t) * n), *tmp_keys = malloc(sizeof(uint32_t) * n);
  uint16_t *tags = malloc(sizeof(uint16_t) * n), *tmp_tags = malloc(sizeof(uint16_t) * n);
  uint32_t seed = 41;
  for (uint32_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    input[i] = seed;
  }
  long long t0 = now_ns();
  uint64_t h = kernel(n, input, keys, tags, tmp_keys, tmp_tags);
  long long t1 = now_ns();
  int sorted = 1;
  for (uint32_t i = 1; i < n; i++) sorted &= keys[i - 1] <= keys[i];
  printf("kernel_ns=%lld checksum=%016llx%s\n", t1 - t0, (unsigned long long)h, sorted ? "" : "-UNSORTED");
  return 0;
}

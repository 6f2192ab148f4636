// histogram: a histogram of pseudo-random keys (an LCG) into a large table of 16-bit counters,
// then a gather: a sum over a byte table at pseudo-random indices (hash joins, Bloom filters,
// sampling).
// Access pattern: random 2-byte read-modify-writes over 8 MiB and random 1-byte loads over
// 4 MiB (at the default size): almost every access lands on another page than the previous one
// at the same instruction.
// Size: argv[1] = n, the updates in thousands (default 50000; the tables grow with n up to
// 4 Mi entries); test size: 40.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static uint64_t kernel(uint32_t updates, int bits, uint16_t *bins, const uint8_t *table) {
  uint32_t x = 12345;
  for (uint32_t i = 0; i < updates; i++) {
    x = x * 1664525u + 1013904223u;
    bins[x >> (32 - bits)]++;
  }
  uint64_t sum = 0;
  for (uint32_t i = 0; i < updates; i++) {
    x = x * 22695477u + 1u;
    sum += table[x >> (32 - bits)] * (uint64_t)(i & 15);
  }
  return sum;
}

int main(int argc, char **argv) {
  uint32_t updates = (uint32_t)(argc > 1 ? atoi(argv[1]) : 50000) * 1000u;
  int bits = 10; // tables of about 2/3 as many entries as updates, from 1 Ki to 4 Mi
  while (bits < 22 && (1u << bits) * 3u < updates * 2u) bits++;
  uint32_t entries = 1u << bits;
  uint16_t *bins = calloc(entries, sizeof(uint16_t));
  uint8_t *table = malloc(entries);
  for (uint32_t i = 0; i < entries; i++) table[i] = (uint8_t)(i * 40503u >> 7);
  long long t0 = now_ns();
  uint64_t sum = kernel(updates, bits, bins, table);
  long long t1 = now_ns();
  uint64_t h = sum;
  for (uint32_t i = 0; i < entries; i++) h = (h ^ bins[i]) * 0x100000001b3ULL;
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

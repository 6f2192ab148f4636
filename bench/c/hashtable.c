// hashtable: an open-addressing hash table (linear probing, multiplicative hashing) of 64-bit
// keys and 32-bit values: inserts, then lookups of which half hit and update the value (symbol
// tables, caches, deduplication, joins).
// Access pattern: each operation starts on a pseudo-random page and probes forward a few slots,
// a data-dependent loop; 8-byte key loads, 4-byte value loads and stores.
// Size: argv[1] = n, the keys inserted in thousands (default 1200; 2 Mi slots, 24 MiB; 4n
// lookups); test size: 4.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

struct table {
  uint64_t *keys; // 0: an empty slot
  uint32_t *values;
  uint32_t mask;
  int shift;
};

static uint32_t slot_of(const struct table *t, uint64_t key) {
  return (uint32_t)((key * 0x9E3779B97F4A7C15ULL) >> t->shift);
}

static void insert(struct table *t, uint64_t key, uint32_t value) {
  uint32_t s = slot_of(t, key);
  while (t->keys[s] != 0 && t->keys[s] != key) s = (s + 1) & t->mask;
  t->keys[s] = key;
  t->values[s] = value;
}

/* Adds one to the key's value and returns it, or returns 0 when the key is absent. */
static uint32_t bump(struct table *t, uint64_t key) {
  for (uint32_t s = slot_of(t, key); t->keys[s] != 0; s = (s + 1) & t->mask)
    if (t->keys[s] == key) return ++t->values[s];
  return 0;
}

static uint64_t next_key(uint64_t *state) {
  *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (*state >> 11) | 1; // never 0
}

__attribute__((noinline)) static uint64_t kernel(struct table *t, uint32_t n) {
  uint64_t a = 1, b = 2, sum = 0;
  for (uint32_t i = 0; i < n; i++) insert(t, next_key(&a), i);
  for (int round = 0; round < 4; round++) {
    uint64_t hits = 1; // the keys inserted, in order again, interleaved with keys never inserted
    for (uint32_t i = 0; i < n; i++) {
      sum += bump(t, next_key(&hits));
      sum += bump(t, next_key(&b)) * 3;
    }
  }
  return sum;
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 1200) * 1000u;
  struct table t;
  int bits = 4; // a load factor between 0.29 and 0.57
  while ((1u << bits) < n * 7 / 4) bits++;
  t.mask = (1u << bits) - 1;
  t.shift = 64 - bits;
  t.keys = calloc(t.mask + 1, sizeof(uint64_t));
  t.values = calloc(t.mask + 1, sizeof(uint32_t));
  long long t0 = now_ns();
  uint64_t sum = kernel(&t, n);
  long long t1 = now_ns();
  uint64_t h = sum;
  for (uint32_t s = 0; s <= t.mask; s++) h = (h ^ t.keys[s] ^ t.values[s]) * 0x100000001b3ULL;
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

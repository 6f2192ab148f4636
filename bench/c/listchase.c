// listchase: walking a singly linked list whose nodes were allocated in one block and linked in a
// pseudo-random order (a free list after churn, an LRU list, a hash chain), several times.
// Access pattern: dependent loads (pointer chasing, 4-byte pointers and an 8-byte payload):
// each next node is on a random page, and nothing can be prefetched or hoisted.
// Size: argv[1] = n, the nodes in thousands (default 2000; 32 MB of nodes, more than the
// last-level cache, so that the walk waits on DRAM and not on what other processes leave in the
// cache; 2 walks); test size: 4.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WALKS 2

struct node {
  struct node *next;
  uint32_t key;
  int64_t value;
};

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static int64_t walk(const struct node *head) {
  int64_t sum = 0;
  for (int w = 0; w < WALKS; w++)
    for (const struct node *p = head; p; p = p->next) sum += p->value ^ (p->key * (uint32_t)(w + 1));
  return sum;
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 2000) * 1000u;
  struct node *nodes = malloc(sizeof(struct node) * n);
  uint32_t *order = malloc(sizeof(uint32_t) * n);
  for (uint32_t i = 0; i < n; i++) order[i] = i;
  uint32_t seed = 5;
  for (uint32_t i = n - 1; i > 0; i--) { // Fisher-Yates shuffle
    seed = seed * 1664525u + 1013904223u;
    uint32_t j = (uint32_t)(((uint64_t)seed * (i + 1)) >> 32);
    uint32_t t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (uint32_t i = 0; i < n; i++) {
    struct node *p = &nodes[order[i]];
    p->next = i + 1 < n ? &nodes[order[i + 1]] : NULL;
    p->key = order[i];
    p->value = (int64_t)i * 2654435761LL;
  }
  long long t0 = now_ns();
  int64_t sum = walk(&nodes[order[0]]);
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=%lld\n", t1 - t0, (long long)sum);
  return 0;
}

// bst: an unbalanced binary search tree of 32-bit keys (pseudo-random, so about 2 ln n deep):
// inserts that count duplicates, then lookups of which about half hit (symbol tables, indexes,
// interval maps before balancing).
// Access pattern: pointer chasing down a tree: one dependent 4-byte key load and pointer load
// per level, each node on its own random page once the tree outgrows the cache; nodes allocated
// from a pool in insertion order.
// Size: argv[1] = n, the keys inserted in thousands (default 300; 2n lookups); test size: 4.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

struct node {
  uint32_t key, count;
  struct node *left, *right;
};

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static struct node *pool;
static uint32_t used;

static void insert(struct node **root, uint32_t key) {
  struct node **at = root;
  while (*at && (*at)->key != key) at = key < (*at)->key ? &(*at)->left : &(*at)->right;
  if (*at) {
    (*at)->count++;
    return;
  }
  struct node *p = &pool[used++];
  p->key = key;
  p->count = 1;
  p->left = p->right = NULL;
  *at = p;
}

static uint32_t find(const struct node *p, uint32_t key) {
  while (p && p->key != key) p = key < p->key ? p->left : p->right;
  return p ? p->count : 0;
}

__attribute__((noinline)) static uint64_t kernel(uint32_t n) {
  struct node *root = NULL;
  uint32_t x = 99;
  // Keys below 2^22 at most: with a few hundred thousand keys some collide and are counted twice.
  for (uint32_t i = 0; i < n; i++) {
    x = x * 1664525u + 1013904223u;
    insert(&root, x >> 10);
  }
  uint64_t sum = 0;
  uint32_t again = 99, other = 7;
  for (uint32_t i = 0; i < n; i++) {
    again = again * 1664525u + 1013904223u;
    other = other * 22695477u + 1u;
    sum += find(root, again >> 10) * (uint64_t)(i & 255) + find(root, other >> 10);
  }
  return sum;
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 300) * 1000u;
  pool = malloc(sizeof(struct node) * n);
  long long t0 = now_ns();
  uint64_t sum = kernel(n);
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=%llu,%u\n", t1 - t0, (unsigned long long)sum, used);
  return 0;
}

// bfs: breadth-first search over a random directed graph in compressed sparse row form, from a
// few sources (graph analytics: reachability, shortest hops, Graph500's kernel).
// Access pattern: a FIFO queue read and written sequentially, each vertex's edge list read as a
// short unit-stride run at a random place, and a random 4-byte read (and sometimes write) of the
// distance array for every edge.
// Size: argv[1] = n, the vertices in thousands (default 400; 8 edges each, 4 sources);
// test size: 2.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DEGREE 8
#define SOURCES 4

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Fills dist (-1: unreached) from source; returns the sum of the distances reached. */
static uint64_t bfs(uint32_t n, const uint32_t *offsets, const uint32_t *edges, uint32_t source, int32_t *dist, uint32_t *queue) {
  memset(dist, 0xff, sizeof(int32_t) * n);
  uint32_t head = 0, tail = 0;
  uint64_t sum = 0;
  dist[source] = 0;
  queue[tail++] = source;
  while (head < tail) {
    uint32_t v = queue[head++];
    int32_t d = dist[v] + 1;
    for (uint32_t e = offsets[v]; e < offsets[v + 1]; e++) {
      uint32_t w = edges[e];
      if (dist[w] < 0) {
        dist[w] = d;
        sum += (uint64_t)d;
        queue[tail++] = w;
      }
    }
  }
  return sum + ((uint64_t)tail << 40);
}

__attribute__((noinline)) static void kernel(uint32_t n, const uint32_t *offsets, const uint32_t *edges, int32_t *dist, uint32_t *queue, uint64_t *sums) {
  for (int s = 0; s < SOURCES; s++) sums[s] = bfs(n, offsets, edges, (uint32_t)s * (n / SOURCES), dist, queue);
}

static uint32_t lcg(uint32_t *state) {
  *state = *state * 1664525u + 1013904223u;
  return *state;
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 400) * 1000u, m = n * DEGREE;
  uint32_t *offsets = calloc(n + 1, sizeof(uint32_t)), *edges = malloc(sizeof(uint32_t) * m), *cursor = malloc(sizeof(uint32_t) * n);
  // Each edge from a random vertex to a random vertex: the out-degrees vary, the graph is
  // built in two passes over the same pseudo-random sequence (count, then place).
  uint32_t seed = 51;
  for (uint32_t e = 0; e < m; e++) {
    offsets[(uint32_t)(((uint64_t)lcg(&seed) * n) >> 32) + 1]++;
    lcg(&seed);
  }
  for (uint32_t v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  memcpy(cursor, offsets, sizeof(uint32_t) * n);
  seed = 51;
  for (uint32_t e = 0; e < m; e++) {
    uint32_t from = (uint32_t)(((uint64_t)lcg(&seed) * n) >> 32);
    edges[cursor[from]++] = (uint32_t)(((uint64_t)lcg(&seed) * n) >> 32);
  }
  int32_t *dist = malloc(sizeof(int32_t) * n);
  uint32_t *queue = malloc(sizeof(uint32_t) * n);
  uint64_t sums[SOURCES];
  long long t0 = now_ns();
  kernel(n, offsets, edges, dist, queue, sums);
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=%llx,%llx,%llx,%llx\n", t1 - t0, (unsigned long long)sums[0], (unsigned long long)sums[1],
         (unsigned long long)sums[2], (unsigned long long)sums[3]);
  return 0;
}

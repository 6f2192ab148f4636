// editdist: Levenshtein edit distance between pairs of byte strings (a diff or a spelling
// corrector's inner loop), dynamic programming with two rows of ints.
// Access pattern: 1-byte loads of both strings (one fixed per row, one streamed), and a 4-byte
// read of the previous row and write of the current row at the same index: a short loop-carried
// dependency through the row just written.
// Size: argv[1] = n, the strings' length (default 7000; 4 pairs); test size: 60.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PAIRS 4

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static int distance(int n, const uint8_t *s, const uint8_t *t, int *prev, int *cur) {
  for (int j = 0; j <= n; j++) prev[j] = j;
  for (int i = 1; i <= n; i++) {
    cur[0] = i;
    uint8_t si = s[i - 1];
    for (int j = 1; j <= n; j++) {
      int d = prev[j - 1] + (si != t[j - 1]);
      int up = prev[j] + 1, left = cur[j - 1] + 1;
      if (up < d) d = up;
      if (left < d) d = left;
      cur[j] = d;
    }
    int *x = prev;
    prev = cur;
    cur = x;
  }
  return prev[n];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 7000;
  uint8_t *s = malloc((size_t)n * PAIRS), *t = malloc((size_t)n * PAIRS);
  int *prev = malloc(sizeof(int) * (n + 1)), *cur = malloc(sizeof(int) * (n + 1));
  uint32_t seed = 11;
  for (int i = 0; i < n * PAIRS; i++) {
    seed = seed * 1664525u + 1013904223u;
    s[i] = "ACGT"[seed >> 30];
    // t is s with about one byte in eight changed.
    t[i] = (seed >> 8 & 7) == 0 ? "ACGT"[seed >> 12 & 3] : s[i];
  }
  int results[PAIRS];
  long long t0 = now_ns();
  for (int p = 0; p < PAIRS; p++) results[p] = distance(n, s + (size_t)p * n, t + (size_t)((p + 1) % PAIRS) * n, prev, cur);
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=%d,%d,%d,%d\n", t1 - t0, results[0], results[1], results[2], results[3]);
  return 0;
}

// jacobi2d: Jacobi relaxation on a 2-D grid, the 5-point stencil, float, two grids swapped after
// each sweep.
// Access pattern: each point reads its four neighbours: the row above and below are n * 4 bytes
// away, so three rows (often three pages) are streamed at once, and a fourth written.
// Size: argv[1] = n, the grid's side (default 1000; 200 sweeps); test size: 20.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SWEEPS 200

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint32_t bits(float f) { uint32_t u; memcpy(&u, &f, sizeof u); return u; }

/* Returns the grid that holds the last sweep. */
__attribute__((noinline)) static float *jacobi(int n, float *a, float *b) {
  for (int s = 0; s < SWEEPS; s++) {
    for (int i = 1; i < n - 1; i++)
      for (int j = 1; j < n - 1; j++)
        b[i * n + j] = 0.2f * (a[i * n + j] + a[(i - 1) * n + j] + a[(i + 1) * n + j] + a[i * n + j - 1] + a[i * n + j + 1]);
    float *t = a;
    a = b;
    b = t;
  }
  return a;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  float *a = malloc(sizeof(float) * n * n), *b = malloc(sizeof(float) * n * n);
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) a[i * n + j] = b[i * n + j] = (i == 0 || j == 0) ? 100.0f : (float)((i * 7 + j * 3) % 10);
  long long t0 = now_ns();
  float *r = jacobi(n, a, b);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = mix(h, bits(r[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

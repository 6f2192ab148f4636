// stencil3d: heat diffusion on a 3-D grid, the 7-point stencil, double, two grids swapped after
// each sweep.
// Access pattern: each point reads neighbours n * 8 and n * n * 8 bytes away: five planes' worth of
// pages (the point's plane and the planes above and below) are live at once, and a far offset
// (the plane stride) in every iteration.
// Size: argv[1] = n, the grid's side (default 120; 60 sweeps); test size: 16.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SWEEPS 60

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

/* Returns the grid that holds the last sweep. */
__attribute__((noinline)) static double *diffuse(int n, double *a, double *b) {
  const int p = n * n;
  for (int s = 0; s < SWEEPS; s++) {
    for (int z = 1; z < n - 1; z++)
      for (int y = 1; y < n - 1; y++)
        for (int x = 1; x < n - 1; x++) {
          int c = z * p + y * n + x;
          b[c] = 0.4 * a[c] + 0.1 * (a[c - 1] + a[c + 1] + a[c - n] + a[c + n] + a[c - p] + a[c + p]);
        }
    double *t = a;
    a = b;
    b = t;
  }
  return a;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 120;
  size_t cells = (size_t)n * n * n;
  double *a = malloc(sizeof(double) * cells), *b = malloc(sizeof(double) * cells);
  for (size_t i = 0; i < cells; i++) a[i] = b[i] = (double)(i % 23) - (i % 3 == 0 ? 5.0 : 0.0);
  long long t0 = now_ns();
  double *r = diffuse(n, a, b);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (size_t i = 0; i < cells; i++) h = mix(h, bits(r[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

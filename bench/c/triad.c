// triad: the STREAM triad a[i] = b[i] + s * c[i] over long double-precision vectors, repeated
// (the memory-bandwidth loop of numerical codes: daxpy, vector updates).
// Access pattern: three unit-stride 8-byte streams, two read and one written, each crossing a
// page every 512 elements: the friendliest shape, the one a paging emulator must run at full speed.
// Size: argv[1] = n, the vectors' length in thousands (default 2000; 16 MiB each, 96 passes);
// test size: 4.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSES 96

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }
static uint64_t bits(double d) { uint64_t u; memcpy(&u, &d, sizeof u); return u; }

__attribute__((noinline)) static void triad(int n, double *a, const double *b, double *c) {
  for (int p = 0; p < PASSES; p++) {
    double s = 0.5 + p * 0.001;
    for (int i = 0; i < n; i++) a[i] = b[i] + s * c[i];
    // Feed the result back, so that no pass can be skipped.
    double *t = a;
    a = c;
    c = t;
  }
}

int main(int argc, char **argv) {
  int n = (argc > 1 ? atoi(argv[1]) : 2000) * 1000;
  double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * n), *c = malloc(sizeof(double) * n);
  for (int i = 0; i < n; i++) {
    a[i] = 0;
    b[i] = (double)(i % 100) * 0.01;
    c[i] = (double)(i % 37) - 18.0;
  }
  long long t0 = now_ns();
  triad(n, a, b, c);
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n; i++) h = mix(mix(h, bits(a[i])), bits(c[i]));
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

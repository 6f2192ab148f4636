// transpose: out-of-place transpose of a row-major matrix of 16-bit samples (an image or a
// spectrogram turned on its side), back and forth.
// Access pattern: rows read with a 2-byte stride while columns are written with a stride of n * 2
// bytes (a new page almost every store for n = 2000); then the roles swap; 2-byte loads and stores.
// Size: argv[1] = n, the matrix's side (default 2000; 40 transposes); test size: 160.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 40

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint64_t mix(uint64_t h, uint64_t v) { return (h ^ v) * 0x100000001b3ULL; }

__attribute__((noinline)) static void transpose(int n, const uint16_t *src, uint16_t *dst) {
  for (int i = 0; i < n; i++)
    for (int j = 0; j < n; j++) dst[j * n + i] = src[i * n + j];
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  uint16_t *a = malloc(sizeof(uint16_t) * n * n), *b = malloc(sizeof(uint16_t) * n * n);
  for (int i = 0; i < n * n; i++) a[i] = (uint16_t)(i * 2654435761u >> 16);
  long long t0 = now_ns();
  for (int r = 0; r < ROUNDS; r += 2) {
    transpose(n, a, b);
    transpose(n, b, a);
  }
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  // b holds the transpose, a the original again: both are summed in.
  for (int i = 0; i < n * n; i++) h = mix(h, (uint64_t)a[i] << 16 | b[i]);
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

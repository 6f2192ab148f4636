// conv2d: a 5x5 convolution (blur and sharpen filters) over an 8-bit greyscale image, with 16-bit
// weights, clamped back to 8 bits; image processing and the first layer of a CNN.
// Access pattern: each output pixel reads a 5x5 window: five rows n bytes apart, 1-byte loads
// with a sliding window, and 2-byte loads of the weights; one 1-byte store.
// Size: argv[1] = n, the image's side (default 2000; 4 filter passes); test size: 48.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define PASSES 4

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

__attribute__((noinline)) static void convolve(int n, const uint8_t *in, uint8_t *out, const int16_t *w, int shift) {
  for (int y = 2; y < n - 2; y++)
    for (int x = 2; x < n - 2; x++) {
      int s = 0;
      for (int dy = -2; dy <= 2; dy++)
        for (int dx = -2; dx <= 2; dx++) s += in[(y + dy) * n + x + dx] * w[(dy + 2) * 5 + dx + 2];
      s >>= shift;
      out[y * n + x] = (uint8_t)(s < 0 ? 0 : s > 255 ? 255 : s);
    }
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  uint8_t *a = malloc((size_t)n * n), *b = malloc((size_t)n * n);
  for (int y = 0; y < n; y++)
    for (int x = 0; x < n; x++) a[y * n + x] = b[y * n + x] = (uint8_t)((x * x + y * 3) ^ (x * y >> 4));
  // A Gaussian blur (weights sum to 256) and a sharpening filter (sum 16).
  static const int16_t blur[25] = {1, 4, 6, 4, 1, 4, 16, 24, 16, 4, 6, 24, 36, 24, 6, 4, 16, 24, 16, 4, 1, 4, 6, 4, 1};
  static const int16_t sharpen[25] = {0, 0, -1, 0, 0, 0, -1, -2, -1, 0, -1, -2, 32, -2, -1, 0, -1, -2, -1, 0, 0, 0, -1, 0, 0};
  long long t0 = now_ns();
  for (int p = 0; p < PASSES; p += 2) {
    convolve(n, a, b, blur, 8);
    convolve(n, b, a, sharpen, 4);
  }
  long long t1 = now_ns();
  uint64_t h = 14695981039346656037ULL;
  for (int i = 0; i < n * n; i++) h = (h ^ a[i]) * 0x100000001b3ULL;
  printf("kernel_ns=%lld checksum=%016llx\n", t1 - t0, (unsigned long long)h);
  return 0;
}

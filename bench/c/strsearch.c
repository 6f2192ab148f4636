// strsearch: Boyer-Moore-Horspool search counting every occurrence of several patterns in a long
// text over a small alphabet (grep, log scanning, DNA motif search).
// Access pattern: 1-byte loads of the text at data-dependent skips (forward jumps of 1 to m
// bytes), a backwards compare of up to m bytes at each candidate, and 4-byte loads from a
// 256-entry shift table.
// Size: argv[1] = the text's length in KiB (default 24576; 8 patterns of 5 to 19 bytes);
// test size: 64.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PATTERNS 8

static long long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static uint32_t horspool(const uint8_t *text, uint32_t n, const uint8_t *pat, uint32_t m) {
  uint32_t shift[256];
  for (int c = 0; c < 256; c++) shift[c] = m;
  for (uint32_t i = 0; i + 1 < m; i++) shift[pat[i]] = m - 1 - i;
  uint32_t count = 0;
  for (uint32_t pos = 0; pos + m <= n; pos += shift[text[pos + m - 1]]) {
    uint32_t k = m;
    while (k > 0 && text[pos + k - 1] == pat[k - 1]) k--;
    count += k == 0;
  }
  return count;
}

__attribute__((noinline)) static void kernel(const uint8_t *text, uint32_t n, uint8_t pats[PATTERNS][20], uint32_t *counts) {
  for (int p = 0; p < PATTERNS; p++) counts[p] = horspool(text, n, pats[p], 5 + 2 * p);
}

int main(int argc, char **argv) {
  uint32_t n = (uint32_t)(argc > 1 ? atoi(argv[1]) : 24576) * 1024u;
  uint8_t *text = malloc(n);
  uint32_t seed = 17;
  for (uint32_t i = 0; i < n; i++) {
    seed = seed * 1664525u + 1013904223u;
    // Mostly 6 letters, sometimes a space: English-like skips of a few bytes.
    text[i] = (seed >> 24) < 40 ? ' ' : "etaoin"[(seed >> 16) % 6];
  }
  uint8_t pats[PATTERNS][20];
  for (int p = 0; p < PATTERNS; p++) {
    // Taken from the text, with the second half of the patterns mutated in one byte: some match
    // often, some rarely, some never.
    memcpy(pats[p], text + (uint32_t)p * (n / PATTERNS), 5 + 2 * p);
    if (p >= PATTERNS / 2) pats[p][p] = 'x';
  }
  uint32_t counts[PATTERNS];
  long long t0 = now_ns();
  kernel(text, n, pats, counts);
  long long t1 = now_ns();
  printf("kernel_ns=%lld checksum=", t1 - t0);
  for (int p = 0; p < PATTERNS; p++) printf(p ? ",%u" : "%u", counts[p]);
  printf("\n");
  return 0;
}

/* memmove with overlapping and non-overlapping regions: every size 0..512 with 34
 * (src-alignment, delta) combinations, every size 513..2048 with 6 rotating combinations,
 * then sizes up to 4096 in steps, plus large moves. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

static uint64_t bufw[(16384 + 256) / 8];
static unsigned char *const buf = (unsigned char *)bufw;
static uint64_t seedx = 0x9e3779b97f4a7c15ULL;

static void refill(size_t nw)
{
  size_t i;
  uint64_t x = seedx;
  for (i = 0; i < nw; i++) { x += 0x9e3779b97f4a7c15ULL; bufw[i] = x ^ (x >> 31); }
}

static uint64_t hash_words(size_t nw, uint64_t h)
{
  size_t i;
  for (i = 0; i < nw; i++) { h ^= bufw[i]; h *= 0x100000001b3ULL; h ^= h >> 29; }
  return h;
}

static uint64_t one(size_t n, int sa, int delta, uint64_t h)
{
  size_t nw = (n + 128 + 7) / 8;
  refill(nw);
  unsigned char *s = buf + 48 + sa;
  unsigned char *d = s + delta;
  void *r = memmove(d, s, n);
  if (r != d) h ^= 0xbad;
  return hash_words(nw, h);
}

int main(void)
{
  static const int deltas[] = { -40, -33, -17, -16, -9, -8, -7, -4, -3, -2, -1, 0, 1, 2, 3, 4, 5,
                                7, 8, 9, 15, 16, 17, 24, 31, 32, 33, 40, -24, -32, -31, 12, -12, 6 };
  const int nd = sizeof deltas / sizeof deltas[0];
  size_t n;
  int k;
  uint64_t h = 0, hg = 0;
  for (n = 0; n <= 512; n++) {
    for (k = 0; k < nd; k++) hg = one(n, (int)((n + (size_t)k) & 15), deltas[k], hg);
    if ((n & 63) == 63 || n == 512) {
      printf("memmove sizes %3zu..%3zu: %016llx\n", n & ~(size_t)63, n, (unsigned long long)hg);
      h ^= hg; h *= 31; hg = 0;
    }
  }
  for (n = 513; n <= 2048; n++) {
    for (k = 0; k < 6; k++) {
      int kk = (int)((n * 7 + (size_t)k * 11) % (size_t)nd);
      hg = one(n, (int)((n + (size_t)k * 5) & 15), deltas[kk], hg);
    }
    if ((n & 255) == 255 || n == 2048) {
      printf("memmove sizes %4zu..%4zu: %016llx\n", n & ~(size_t)255, n, (unsigned long long)hg);
      h ^= hg; h *= 31; hg = 0;
    }
  }
  for (n = 2049; n <= 4096; n += 29) {
    for (k = 0; k < nd; k += 3) hg = one(n, (int)((n + (size_t)k) & 15), deltas[k], hg);
  }
  printf("memmove sizes 2049..4096/29: %016llx\n", (unsigned long long)hg);
  h ^= hg; h *= 31;
  static const size_t bigs[] = { 5000, 8192, 12345, 16000 };
  static const int bd[] = { -4096, -1, 1, 7, 64, 100 };
  for (n = 0; n < 4; n++)
    for (k = 0; k < 6; k++) {
      size_t sz = bigs[n] - 200;
      refill(sizeof bufw / 8);
      memmove(buf + 128 + (bd[k] < 0 ? -bd[k] : 0) % 64 + (bd[k] < 0 ? 4096 : 0), buf + 128 + (bd[k] < 0 ? 4096 : 0) + (bd[k] > 0 ? bd[k] : 0) % 64, sz - (sz > 12000 ? 4096 : 0));
      uint64_t bh = hash_words(sizeof bufw / 8, 0);
      printf("big memmove %5zu d=%5d: %016llx\n", sz, bd[k], (unsigned long long)bh);
      h ^= bh; h *= 31;
    }
  printf("total %016llx\n", (unsigned long long)h);
  return (int)(h & 0x7f);
}

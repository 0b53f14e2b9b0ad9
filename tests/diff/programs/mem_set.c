/* memset (and bzero) at every size 0..2048 and every alignment 0..15 with several fill
 * values (0 is special-cased by block-init code paths), then larger sizes. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <stdint.h>

#define GUARD 24
static uint64_t arenaw[(16 * (4096 + 2 * GUARD + 16) + 64) / 8];
static unsigned char *const arena = (unsigned char *)arenaw;

static uint64_t hash_words(const uint64_t *p, size_t nw, uint64_t h)
{
  size_t i;
  for (i = 0; i < nw; i++) { h ^= p[i]; h *= 0x100000001b3ULL; h ^= h >> 29; }
  return h;
}

static uint64_t round_n(size_t n, int value, uint64_t h)
{
  size_t slot = (n + 2 * GUARD + 16 + 7) & ~(size_t)7, i;
  size_t nw = slot * 16 / 8;
  for (i = 0; i < nw; i++) arenaw[i] = 0x0123456789abcdefULL ^ (i * 0x1111111111111111ULL);
  int a;
  for (a = 0; a < 16; a++) {
    unsigned char *d = arena + slot * (size_t)a + GUARD + a;
    if (value < 0) bzero(d, n);
    else if (memset(d, value, n) != d) h ^= 0xbad;
  }
  return hash_words(arenaw, nw, h);
}

int main(void)
{
  static const int values[] = { 0, 0xff, 0x5a, 1, 0x80, -1 /* bzero */ };
  size_t n;
  uint64_t h = 0, hg = 0;
  for (n = 0; n <= 2048; n++) {
    hg = round_n(n, values[n % 6], hg);
    if (n < 300) hg = round_n(n, values[(n + 3) % 6], hg);
    if ((n & 127) == 127 || n == 2048) {
      printf("memset sizes %4zu..%4zu: %016llx\n", n & ~(size_t)127, n, (unsigned long long)hg);
      h ^= hg; h *= 31; hg = 0;
    }
  }
  for (n = 2049; n <= 4096; n += 11) hg = round_n(n, values[n % 6], hg);
  printf("memset sizes 2049..4096/11: %016llx\n", (unsigned long long)hg);
  h ^= hg; h *= 31;
  static uint64_t bigw[(131072 + 128) / 8];
  unsigned char *big = (unsigned char *)bigw;
  static const size_t bs[] = { 4100, 8192, 10000, 16384, 40000, 65536, 131072 };
  unsigned i;
  for (i = 0; i < sizeof bs / sizeof bs[0]; i++) {
    int a;
    for (a = 0; a < 16; a += 3) {
      size_t w;
      for (w = 0; w < sizeof bigw / 8; w++) bigw[w] = w * 0x9e3779b97f4a7c15ULL;
      memset(big + 40 + a, (a & 1) ? 0 : 0xc3, bs[i] - 8 * (size_t)(i == 6));
      uint64_t bh = hash_words(bigw, sizeof bigw / 8, 0);
      printf("big memset %6zu align %2d: %016llx\n", bs[i], a, (unsigned long long)bh);
      h ^= bh; h *= 31;
    }
  }
  /* compiler-generated zeroing of a local array */
  volatile unsigned char loc[777];
  memset((void *)loc, 0, sizeof loc);
  unsigned s = 0;
  for (i = 0; i < sizeof loc; i++) s += loc[i];
  printf("local zero sum %u\ntotal %016llx\n", s, (unsigned long long)h);
  return (int)(h & 0x7f);
}

/* memcpy at every size 0..2048 and every src/dst alignment 0..15 (all 256 pairs for
 * sizes <= 256, a rotating set of 32 pairs above), then sizes up to 4096 in steps and a few
 * large copies. Destination slots include guard bytes; everything is hashed. glibc selects
 * CPU-specific (Niagara) routines at run time, so this is a key test. */
#include <stdio.h>
#include <string.h>
#include <stdint.h>

#define SLOT_GUARD 24
static uint64_t srcw[(8192 + 64) / 8];
static uint64_t arenaw[(32 * (4096 + 2 * SLOT_GUARD + 16) + 64) / 8];
static unsigned char *const src = (unsigned char *)srcw;
static unsigned char *const arena = (unsigned char *)arenaw;

static uint64_t hash_words(const uint64_t *p, size_t nw, uint64_t h)
{
  size_t i;
  for (i = 0; i < nw; i++) { h ^= p[i]; h *= 0x100000001b3ULL; h ^= h >> 29; }
  return h;
}

static void fill_words(uint64_t *p, size_t nw, uint64_t v)
{
  size_t i;
  for (i = 0; i < nw; i++) p[i] = v;
}

/* copy with `npairs` (sa,da) pairs of size n into consecutive slots, return hash of arena */
static uint64_t round_n(size_t n, const int (*pairs)[2], int npairs, uint64_t h)
{
  size_t slot = (n + 2 * SLOT_GUARD + 16 + 7) & ~(size_t)7;
  size_t total = slot * (size_t)npairs;
  int k;
  fill_words(arenaw, total / 8, 0xa5a5a5a5a5a5a5a5ULL);
  for (k = 0; k < npairs; k++) {
    unsigned char *d = arena + slot * (size_t)k + SLOT_GUARD + pairs[k][1];
    const unsigned char *s = src + 64 + pairs[k][0] + (n * 13 + (size_t)k * 40) % 1024;
    void *r = memcpy(d, s, n);
    if (r != d) h ^= 0xbad;
  }
  return hash_words(arenaw, total / 8, h);
}

int main(void)
{
  size_t i, n;
  uint64_t x = 0x243f6a8885a308d3ULL;
  for (i = 0; i < sizeof srcw / 8; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; srcw[i] = x; }
  int all[256][2], rot[32][2];
  for (i = 0; i < 256; i++) { all[i][0] = (int)(i & 15); all[i][1] = (int)(i >> 4); }

  uint64_t h = 0, hgroup = 0;
  for (n = 0; n <= 2048; n++) {
    if (n <= 256) {
      hgroup = round_n(n, (const int (*)[2])all, 256, hgroup);
    } else {
      for (i = 0; i < 32; i++) { rot[i][0] = (int)(i & 15); rot[i][1] = (int)((i + n + (i >> 4) * 5) & 15); }
      hgroup = round_n(n, (const int (*)[2])rot, 32, hgroup);
    }
    if ((n & 63) == 63 || n == 2048) {
      printf("memcpy sizes %4zu..%4zu: %016llx\n", n & ~(size_t)63, n, (unsigned long long)hgroup);
      h ^= hgroup; h *= 31;
      hgroup = 0;
    }
  }
  /* 2049..4096 in steps of 5, 16 alignment pairs each */
  hgroup = 0;
  for (n = 2049; n <= 4096; n += 5) {
    for (i = 0; i < 16; i++) { rot[i][0] = (int)((i * 3 + n) & 15); rot[i][1] = (int)((i * 7) & 15); }
    hgroup = round_n(n, (const int (*)[2])rot, 16, hgroup);
  }
  printf("memcpy sizes 2049..4096/5: %016llx\n", (unsigned long long)hgroup);
  h ^= hgroup;
  /* large copies (block-init / quad-load paths): copy within a 64 KiB static buffer */
  static uint64_t bigw[(65536 + 128) / 8], big2w[(65536 + 128) / 8];
  unsigned char *big = (unsigned char *)bigw, *big2 = (unsigned char *)big2w;
  for (i = 0; i < sizeof bigw / 8; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; bigw[i] = x; }
  static const size_t bigsz[] = { 4097, 5000, 8192, 8195, 16384, 30001, 65536 };
  for (i = 0; i < sizeof bigsz / sizeof bigsz[0]; i++) {
    int a;
    for (a = 0; a < 16; a += 5) {
      fill_words(big2w, sizeof big2w / 8, 0x5a5a5a5a5a5a5a5aULL);
      memcpy(big2 + 32 + a, big + 8 + (a * 3) % 16, bigsz[i]);
      uint64_t bh = hash_words(big2w, sizeof big2w / 8, 0);
      printf("big memcpy %6zu align %2d: %016llx\n", bigsz[i], a, (unsigned long long)bh);
      h ^= bh; h *= 31;
    }
  }
  /* struct assignment (compiler-generated block copies) */
  struct blob { uint64_t w[37]; unsigned char tail[5]; } b1, b2;
  memset(&b1, 0, sizeof b1);
  for (i = 0; i < 37; i++) b1.w[i] = i * 0x0101010101010101ULL;
  memcpy(b1.tail, "tail", 5);
  b2 = b1;
  printf("struct copy equal=%d\n", memcmp(&b1, &b2, sizeof b1) == 0);
  printf("total %016llx\n", (unsigned long long)h);
  return (int)(h & 0x7f);
}

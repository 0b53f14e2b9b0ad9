/* memcmp at every size 0..2048 and all alignment pairs (rotating for large sizes), with the
 * first difference at several positions and both signs; also memchr/memrchr/strlen/strchr
 * sweeps over sizes and alignments. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <stdint.h>

static uint64_t aw[(4096 + 64) / 8];
static uint64_t bw[16][(4096 + 96) / 8];
static unsigned char *const A = (unsigned char *)aw;

static int sgn(int v) { return (v > 0) - (v < 0); }

int main(void)
{
  size_t i, n;
  int d;
  uint64_t x = 0xfeedfacecafebeefULL;
  for (i = 0; i < sizeof aw / 8; i++) { x ^= x << 13; x ^= x >> 7; x ^= x << 17; aw[i] = x; }
  for (d = 0; d < 16; d++) memcpy((unsigned char *)bw[d] + d, A, 4096 + 32);
  uint64_t h = 0, hg = 0;
  int wrong = 0;
  for (n = 0; n <= 2048; n++) {
    int npairs = n <= 128 ? 256 : n <= 512 ? 12 : 5;
    int k;
    for (k = 0; k < npairs; k++) {
      int sa = npairs == 256 ? (k & 15) : (int)((k + n) & 15);
      int db = npairs == 256 ? (k >> 4) : (int)((k * 5 + n / 16 + (n & 3)) & 15);
      int delta = (db - sa) & 15;
      const unsigned char *pa = A + sa;
      unsigned char *pb = (unsigned char *)bw[delta] + delta + sa;
      /* pb and pa hold identical bytes; pb is at alignment (delta+sa)&15 == db */
      int r = memcmp(pa, pb, n);
      if (r != 0) wrong++;
      hg = hg * 3 + (uint64_t)(sgn(r) + 1);
      if (n > 0) {
        size_t pos[3] = { 0, n / 2, n - 1 };
        int p;
        for (p = 0; p < 3; p++) {
          if (npairs != 256 && p == 1 + (k & 1)) continue;  /* keep large sizes cheap */
          unsigned char save = pb[pos[p]];
          pb[pos[p]] = (unsigned char)(save + ((p + k) & 1 ? 1 : 0xff));
          int e = sgn(memcmp(pa, pb, n));
          int want = pa[pos[p]] < pb[pos[p]] ? -1 : 1;
          if (e != want) wrong++;
          hg = hg * 3 + (uint64_t)(e + 1);
          pb[pos[p]] = save;
        }
      }
    }
    if ((n & 127) == 127 || n == 2048) {
      printf("memcmp sizes %4zu..%4zu: %016llx wrong=%d\n", n & ~(size_t)127, n, (unsigned long long)hg, wrong);
      h ^= hg; h *= 31; hg = 0;
    }
  }
  /* memchr / memrchr / strlen / strchr / strrchr sweeps */
  static unsigned char s[4200];
  uint64_t hc = 0;
  for (n = 0; n < 1100; n += (n < 200 ? 1 : 13)) {
    int a;
    for (a = 0; a < 16; a++) {
      memset(s, 'a', sizeof s);
      unsigned char *p = s + 16 + a;
      p[n] = 0;
      if (n > 2) p[n / 3] = 'x';
      if (n > 5) p[n - 2] = 'x';
      hc = hc * 31 + strlen((char *)p);
      char *c = strchr((char *)p, 'x');
      char *rc = strrchr((char *)p, 'x');
      unsigned char *m = memchr(p, 'x', n);
      unsigned char *mr = memrchr(p, 'x', n);
      unsigned char *mz = memchr(p, 0, n + 1);
      hc = hc * 31 + (c ? (uint64_t)(c - (char *)p) : 9999);
      hc = hc * 31 + (rc ? (uint64_t)(rc - (char *)p) : 9999);
      hc = hc * 31 + (m ? (uint64_t)(m - p) : 9999);
      hc = hc * 31 + (mr ? (uint64_t)(mr - p) : 9999);
      hc = hc * 31 + (mz ? (uint64_t)(mz - p) : 9999);
      hc = hc * 31 + (uint64_t)(rawmemchr(p, 0) == mz);
    }
  }
  printf("scan functions: %016llx\n", (unsigned long long)hc);
  h ^= hc;
  printf("total %016llx wrong=%d\n", (unsigned long long)h, wrong);
  return (int)((h + (uint64_t)wrong) & 0x7f);
}

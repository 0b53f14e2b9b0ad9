#include "rt.h"
/* GCC-vectorized loops (VIS via the vectorizer) checked against scalar versions. */
#define N 256
typedef unsigned char u8; typedef short s16; typedef unsigned short u16; typedef int s32;
static u8 src[N + 16] __attribute__((aligned(8))), dst[N + 16] __attribute__((aligned(8))), ref[N + 16] __attribute__((aligned(8)));
static s16 h1[N] __attribute__((aligned(8))), h2[N] __attribute__((aligned(8))), h3[N] __attribute__((aligned(8))), h4[N] __attribute__((aligned(8)));
static s32 w1[N] __attribute__((aligned(8))), w2[N] __attribute__((aligned(8))), w3[N] __attribute__((aligned(8))), w4[N] __attribute__((aligned(8)));
#define NOVEC __attribute__((noinline, optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
#define VEC __attribute__((noinline))
VEC void swab_v(u8* d, const u8* s, int n) { for (int i = 0; i < n; i += 2) { d[i] = s[i + 1]; d[i + 1] = s[i]; } }
NOVEC void swab_s(u8* d, const u8* s, int n) { for (int i = 0; i < n; i += 2) { d[i] = s[i + 1]; d[i + 1] = s[i]; } }
VEC void rev_v(u8* d, const u8* s, int n) { for (int i = 0; i < n; i += 8) for (int j = 0; j < 8; ++j) d[i + j] = s[i + 7 - j]; }
NOVEC void rev_s(u8* d, const u8* s, int n) { for (int i = 0; i < n; i += 8) for (int j = 0; j < 8; ++j) d[i + j] = s[i + 7 - j]; }
VEC void add16_v(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] + b[i]; }
NOVEC void add16_s(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] + b[i]; }
VEC void sub16_v(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] - b[i]; }
NOVEC void sub16_s(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] - b[i]; }
VEC void sub32_v(s32* d, const s32* a, const s32* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] - b[i]; }
NOVEC void sub32_s(s32* d, const s32* a, const s32* b, int n) { for (int i = 0; i < n; ++i) d[i] = a[i] - b[i]; }
VEC void logic_v(s32* d, const s32* a, const s32* b, int n) { for (int i = 0; i < n; ++i) d[i] = (a[i] & ~b[i]) ^ (a[i] | b[i]); }
NOVEC void logic_s(s32* d, const s32* a, const s32* b, int n) { for (int i = 0; i < n; ++i) d[i] = (a[i] & ~b[i]) ^ (a[i] | b[i]); }
VEC void inter_v(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n / 2; ++i) { d[2 * i] = b[i]; d[2 * i + 1] = a[i]; } }
NOVEC void inter_s(s16* d, const s16* a, const s16* b, int n) { for (int i = 0; i < n / 2; ++i) { d[2 * i] = b[i]; d[2 * i + 1] = a[i]; } }
static int fails;
static void check(const char* name, const void* x, const void* y, int bytes) {
  const u8* p = x; const u8* q = y; int bad = 0;
  for (int i = 0; i < bytes; ++i) bad += p[i] != q[i];
  puts_(name); puts_(bad ? " FAIL\n" : " ok\n"); fails += bad != 0;
}
int cmain(void) {
  for (int i = 0; i < N + 16; ++i) src[i] = (u8)rnd();
  for (int i = 0; i < N; ++i) { h1[i] = (s16)rnd(); h2[i] = (s16)rnd(); w1[i] = (s32)rnd(); w2[i] = (s32)rnd(); }
  swab_v(dst, src, N); swab_s(ref, src, N); check("swab(bshuffle)", dst, ref, N);
  rev_v(dst, src, N); rev_s(ref, src, N); check("rev8", dst, ref, N);
  add16_v(h3, h1, h2, N); add16_s(h4, h1, h2, N); check("add16", h3, h4, 2 * N);
  sub16_v(h3, h1, h2, N); sub16_s(h4, h1, h2, N); check("sub16", h3, h4, 2 * N);
  sub32_v(w3, w1, w2, N); sub32_s(w4, w1, w2, N); check("sub32", w3, w4, 4 * N);
  logic_v(w3, w1, w2, N); logic_s(w4, w1, w2, N); check("logic", w3, w4, 4 * N);
  inter_v(h3, h1, h2, N); inter_s(h4, h1, h2, N); check("interleave16", h3, h4, 2 * N);
  flush();
  return fails;
}

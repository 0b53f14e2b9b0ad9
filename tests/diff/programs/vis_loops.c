/* Simple byte/short/int array loops (add, sub, min, max, and/or/xor, sum, compare, copy,
 * saturating-ish, widening) that gcc -O3 -mcpu=niagara2 vectorises with VIS. Each result is
 * checked against a non-vectorised reference and hashed.
 * Deliberately absent: 16/32-bit subtraction loops (gcc emits fpsub16/fpsub32, whose operands
 * qemu 7.2 swaps) and reversal/xor-reduction loops (gcc emits bmask+bshuffle, whose result
 * bytes qemu 7.2 reverses). qemu is the oracle here, so those would give wrong references. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define N 1031
#define NOVEC __attribute__((noinline, noipa, optimize("no-tree-vectorize", "no-tree-slp-vectorize")))
#define NOI __attribute__((noinline, noipa))

static uint8_t a8[N + 16], b8[N + 16], c8[N + 16];
static int16_t a16[N + 8], b16[N + 8], c16[N + 8];
static int32_t a32[N + 4], b32[N + 4], c32[N + 4];
static uint16_t u16a[N + 8], u16b[N + 8];

#define LOOPS(X)                                                                               \
  X(add8, { for (i = 0; i < n; i++) c8[i] = (uint8_t)(a8[i] + b8[i]); })                       \
  X(sub8, { for (i = 0; i < n; i++) c8[i] = (uint8_t)(a8[i] - b8[i]); })                       \
  X(max8, { for (i = 0; i < n; i++) c8[i] = a8[i] > b8[i] ? a8[i] : b8[i]; })                  \
  X(min8, { for (i = 0; i < n; i++) c8[i] = a8[i] < b8[i] ? a8[i] : b8[i]; })                  \
  X(xor8, { for (i = 0; i < n; i++) c8[i] = (uint8_t)(a8[i] ^ b8[i] ^ 0x5a); })                \
  X(andor8, { for (i = 0; i < n; i++) c8[i] = (uint8_t)((a8[i] & b8[i]) | (a8[i] & 0x0f)); })  \
  X(avg8, { for (i = 0; i < n; i++) c8[i] = (uint8_t)((a8[i] + b8[i] + 1) >> 1); })            \
  X(add16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a16[i] + b16[i]); })                   \
  X(max16, { for (i = 0; i < n; i++) c16[i] = a16[i] > b16[i] ? a16[i] : b16[i]; })            \
  X(min16, { for (i = 0; i < n; i++) c16[i] = a16[i] < b16[i] ? a16[i] : b16[i]; })            \
  X(shl16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a16[i] << 3); })                       \
  X(sra16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a16[i] >> 2); })                       \
  X(mul16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a16[i] * b16[i]); })                   \
  X(add32, { for (i = 0; i < n; i++) c32[i] = a32[i] + b32[i]; })                              \
  X(max32, { for (i = 0; i < n; i++) c32[i] = a32[i] > b32[i] ? a32[i] : b32[i]; })            \
  X(min32, { for (i = 0; i < n; i++) c32[i] = a32[i] < b32[i] ? a32[i] : b32[i]; })            \
  X(and32, { for (i = 0; i < n; i++) c32[i] = a32[i] & ~b32[i]; })                             \
  X(axpy32, { for (i = 0; i < n; i++) c32[i] = a32[i] * 3 + b32[i]; })                         \
  X(widen8to16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a8[i] + b8[i]); })                \
  X(widen16to32, { for (i = 0; i < n; i++) c32[i] = a16[i] + (int32_t)b16[i]; })               \
  X(narrow32to16, { for (i = 0; i < n; i++) c16[i] = (int16_t)(a32[i] >> 4); })                \
  X(uadd16, { for (i = 0; i < n; i++) u16a[i] = (uint16_t)(u16a[i] + u16b[i]); })              \
  X(copy8_off, { for (i = 0; i < n - 3; i++) c8[i] = a8[i + 3]; })                             \
  X(sel32, { for (i = 0; i < n; i++) c32[i] = a32[i] == b32[i] ? 1 : a32[i]; })

#define SUMS(X)                                                                                \
  X(sum8, uint32_t, { for (i = 0; i < n; i++) s += a8[i]; })                                   \
  X(sum16, int32_t, { for (i = 0; i < n; i++) s += a16[i]; })                                  \
  X(sum32, int64_t, { for (i = 0; i < n; i++) s += a32[i]; })                                  \
  X(dot16, int32_t, { for (i = 0; i < n; i++) s += a16[i] * b16[i]; })                         \
  X(max8r, uint32_t, { s = 0; for (i = 0; i < n; i++) s = a8[i] > s ? a8[i] : s; })            \
  X(min32r, int32_t, { s = 0x7fffffff; for (i = 0; i < n; i++) s = a32[i] < s ? a32[i] : s; }) \
  X(sad8, uint32_t, { for (i = 0; i < n; i++) s += (uint32_t)(a8[i] > b8[i] ? a8[i] - b8[i] : b8[i] - a8[i]); }) \
  X(cnt8, uint32_t, { for (i = 0; i < n; i++) s += a8[i] > 100; })

#define DEF_VEC(name, body) static NOI void v_##name(int n) { int i; body }
#define DEF_REF(name, body) static NOVEC void r_##name(int n) { int i; body }
LOOPS(DEF_VEC)
LOOPS(DEF_REF)
#define DEF_SVEC(name, T, body) static NOI T vs_##name(int n) { int i; T s = 0; body return s; }
#define DEF_SREF(name, T, body) static NOVEC T rs_##name(int n) { int i; T s = 0; body return s; }
SUMS(DEF_SVEC)
SUMS(DEF_SREF)

static uint32_t seed = 777;
static int cur_n;
static uint32_t rnd(void) { seed ^= seed << 13; seed ^= seed >> 17; seed ^= seed << 5; return seed; }

static uint8_t p8a[N + 16], p8b[N + 16];
static int16_t p16a[N + 8], p16b[N + 8];
static int32_t p32a[N + 4], p32b[N + 4];
static uint16_t pua[N + 8], pub[N + 8];

static void make_pristine(void)
{
  int i;
  for (i = 0; i < N + 16; i++) { p8a[i] = (uint8_t)rnd(); p8b[i] = (uint8_t)rnd(); }
  for (i = 0; i < N + 8; i++) { p16a[i] = (int16_t)rnd(); p16b[i] = (int16_t)(rnd() % 2000 - 1000); pua[i] = (uint16_t)rnd(); pub[i] = (uint16_t)rnd(); }
  for (i = 0; i < N + 4; i++) { p32a[i] = (int32_t)rnd(); p32b[i] = (i % 7 == 0) ? p32a[i] : (int32_t)rnd(); }
}

static void init(void)
{
  memcpy(a8, p8a, sizeof a8); memcpy(b8, p8b, sizeof b8);
  memcpy(a16, p16a, sizeof a16); memcpy(b16, p16b, sizeof b16);
  memcpy(a32, p32a, sizeof a32); memcpy(b32, p32b, sizeof b32);
  memcpy(u16a, pua, sizeof u16a); memcpy(u16b, pub, sizeof u16b);
  memset(c8, 0, sizeof c8); memset(c16, 0, sizeof c16); memset(c32, 0, sizeof c32);
}

static uint64_t hbuf(const void *p, size_t len)
{
  if (len > 2 * (size_t)cur_n + 32) len = 2 * (size_t)cur_n + 32;   /* only what the loop can touch */
  const unsigned char *b = p;
  uint64_t h = 0xcbf29ce484222325ULL;
  size_t i;
  for (i = 0; i < len; i++) h = (h ^ b[i]) * 0x100000001b3ULL;
  return h;
}

static uint64_t total;
static int mismatches;

int main(void)
{
  static const int sizes[] = { 0, 1, 3, 7, 8, 9, 15, 16, 17, 31, 64, 100, 1000, N };
  unsigned si;
  make_pristine();
  for (si = 0; si < sizeof sizes / sizeof sizes[0]; si++) {
    int n = sizes[si];
    uint64_t hv, hr;
    cur_n = 2 * n;
#define RUN(name, body)                                                                         \
    init(); v_##name(n);                                      \
    hv = hbuf(c8, sizeof c8) ^ hbuf(c16, sizeof c16) * 3 ^ hbuf(c32, sizeof c32) * 5 ^ hbuf(u16a, sizeof u16a) * 7; \
    init(); r_##name(n);                                      \
    hr = hbuf(c8, sizeof c8) ^ hbuf(c16, sizeof c16) * 3 ^ hbuf(c32, sizeof c32) * 5 ^ hbuf(u16a, sizeof u16a) * 7; \
    if (hv != hr) { mismatches++; printf("MISMATCH %s n=%d\n", #name, n); }                    \
    total = (total ^ hv) * 31;
    LOOPS(RUN)
#define SRUN(name, T, body)                                                                     \
    init();                                                                                     \
    { T x = vs_##name(n), y = rs_##name(n);                                                     \
      if (x != y) { mismatches++; printf("MISMATCH %s n=%d\n", #name, n); }                    \
      total = (total ^ (uint64_t)x) * 31; }
    SUMS(SRUN)
    printf("n=%4d total=%016llx\n", n, (unsigned long long)total);
  }
  printf("mismatches=%d\n", mismatches);
  return (int)((total & 0x3f) | (mismatches ? 0x40 : 0));
}

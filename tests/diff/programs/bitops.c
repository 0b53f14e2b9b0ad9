/* popcount/clz/ctz/ffs/parity/bswap/rotate builtins on 32 and 64 bits, plus manual checks. */
#include <stdio.h>
#include <stdint.h>

#define NOI __attribute__((noinline, noipa))
static NOI int pop_ref(uint64_t x) { int c = 0; while (x) { c += (int)(x & 1); x >>= 1; } return c; }
static NOI int clz_ref(uint64_t x) { int c = 0; uint64_t m = 1ULL << 63; while (m && !(x & m)) { c++; m >>= 1; } return c; }
static NOI int ctz_ref(uint64_t x) { int c = 0; while (c < 64 && !(x & (1ULL << c))) c++; return c; }
static NOI uint64_t rotl64(uint64_t x, unsigned r) { r &= 63; return r ? (x << r) | (x >> (64 - r)) : x; }
static NOI uint32_t rotr32(uint32_t x, unsigned r) { r &= 31; return r ? (x >> r) | (x << (32 - r)) : x; }
static NOI uint64_t rev_bits(uint64_t x)
{
  x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
  x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
  x = ((x >> 4) & 0x0f0f0f0f0f0f0f0fULL) | ((x & 0x0f0f0f0f0f0f0f0fULL) << 4);
  return __builtin_bswap64(x);
}

int main(void)
{
  uint64_t x = 0x8000000000000001ULL, ck = 0;
  int bad = 0, i;
  static const uint64_t fixed[] = { 0, 1, 2, 3, 0x80, 0xff, 0x8000, 0xffff, 0x80000000ULL, 0xffffffffULL, 0x100000000ULL,
                                    0x8000000000000000ULL, 0xffffffffffffffffULL, 0x5555555555555555ULL, 0x0123456789abcdefULL };
  for (i = 0; i < (int)(sizeof fixed / sizeof fixed[0]); i++) {
    uint64_t v = fixed[i];
    uint32_t w = (uint32_t)v;
    printf("%016llx pop=%d pop32=%d clz=%d clz32=%d ctz=%d ctz32=%d ffs=%d ffsl=%d par=%d clrsb=%d bswap=%016llx bswap32=%08x bswap16=%04x\n",
           (unsigned long long)v, __builtin_popcountll(v), __builtin_popcount(w), v ? __builtin_clzll(v) : 64,
           w ? __builtin_clz(w) : 32, v ? __builtin_ctzll(v) : 64, w ? __builtin_ctz(w) : 32, __builtin_ffs((int)w),
           __builtin_ffsll((long long)v), __builtin_parityll(v), __builtin_clrsbll((long long)v),
           (unsigned long long)__builtin_bswap64(v), __builtin_bswap32(w), __builtin_bswap16((uint16_t)w));
  }
  for (i = 0; i < 20000; i++) {
    x ^= x << 13; x ^= x >> 7; x ^= x << 17;
    uint64_t v = x >> (i % 64);
    if (i & 1) v &= x << (i % 13);
    int p = __builtin_popcountll(v);
    if (p != pop_ref(v)) bad++;
    if (v && __builtin_clzll(v) != clz_ref(v)) bad++;
    if (v && __builtin_ctzll(v) != ctz_ref(v)) bad++;
    uint32_t w = (uint32_t)v;
    if (__builtin_popcount(w) != pop_ref(w)) bad++;
    ck = ck * 31 + (uint64_t)p + rotl64(v, (unsigned)i) + rotr32(w, (unsigned)i * 3) + rev_bits(v);
  }
  printf("random checks bad=%d ck=%016llx\n", bad, (unsigned long long)ck);
  /* bit tricks */
  uint64_t y = 0x0f0f00f0000f0000ULL;
  printf("lowest set=%016llx clear lowest=%016llx next pow2(1000)=%llu is_pow2(4096)=%d\n", (unsigned long long)(y & -y),
         (unsigned long long)(y & (y - 1)), 1ULL << (64 - __builtin_clzll(1000 - 1)), (4096 & 4095) == 0);
  return (int)((ck + (uint64_t)bad) & 0x7f);
}

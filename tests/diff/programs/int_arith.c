/* Integer arithmetic and overflow edge cases (wrap-around via unsigned, builtins). */
#include <stdio.h>
#include <stdint.h>
#include <limits.h>

static uint64_t ck = 1469598103934665603ULL;
static void mix(uint64_t v) { ck ^= v; ck *= 1099511628211ULL; }

static const int64_t vals64[] = {
  0, 1, -1, 2, -2, 3, 7, -7, 127, -128, 255, 256, 32767, -32768, 65535, 65536,
  INT32_MAX, INT32_MIN, (int64_t)UINT32_MAX, (int64_t)UINT32_MAX + 1,
  INT64_MAX, INT64_MIN, INT64_MAX - 1, INT64_MIN + 1, 0x5555555555555555LL,
  (int64_t)0xAAAAAAAAAAAAAAAAULL, 0x123456789abcdefLL, -0x123456789abcdefLL,
  1000000007, -999999937, 0x7fffffff00000000LL, 0x00000000ffffffffLL };
#define N64 (sizeof vals64 / sizeof vals64[0])

/* volatile to stop constant folding so real instructions get used */
static volatile int64_t vsink;

int main(void)
{
  volatile const int64_t *v = vals64;
  int i, j;
  for (i = 0; i < (int)N64; i++) {
    for (j = 0; j < (int)N64; j++) {
      int64_t a = v[i], b = v[j];
      uint64_t ua = (uint64_t)a, ub = (uint64_t)b;
      int64_t r;
      int ovf_add = __builtin_add_overflow(a, b, &r); mix(ovf_add); mix((uint64_t)r);
      int ovf_sub = __builtin_sub_overflow(a, b, &r); mix(ovf_sub); mix((uint64_t)r);
      int ovf_mul = __builtin_mul_overflow(a, b, &r); mix(ovf_mul); mix((uint64_t)r);
      mix(ua + ub); mix(ua - ub); mix(ua * ub);
      mix(ua & ub); mix(ua | ub); mix(ua ^ ub); mix(~ua);
      mix((uint64_t)(a < b)); mix((uint64_t)(ua < ub)); mix((uint64_t)(a == b));
      if (b != 0) {
        mix(ua / ub); mix(ua % ub);
        if (!(a == INT64_MIN && b == -1)) { mix((uint64_t)(a / b)); mix((uint64_t)(a % b)); }
      }
      /* 32-bit flavours */
      int32_t a32 = (int32_t)a, b32 = (int32_t)b;
      uint32_t ua32 = (uint32_t)a, ub32 = (uint32_t)b;
      int32_t r32;
      mix(__builtin_add_overflow(a32, b32, &r32)); mix((uint32_t)r32);
      mix(__builtin_mul_overflow(a32, b32, &r32)); mix((uint32_t)r32);
      uint32_t ur32;
      mix(__builtin_add_overflow(ua32, ub32, &ur32)); mix(ur32);
      mix(__builtin_sub_overflow(ua32, ub32, &ur32)); mix(ur32);
      mix(__builtin_mul_overflow(ua32, ub32, &ur32)); mix(ur32);
      mix((uint32_t)(ua32 * ub32)); mix((uint32_t)(ua32 + ub32));
      if (ub32) { mix(ua32 / ub32); mix(ua32 % ub32); }
      if (b32 && !(a32 == INT32_MIN && b32 == -1)) { mix((uint32_t)(a32 / b32)); mix((uint32_t)(a32 % b32)); }
      /* shifts with in-range counts */
      unsigned s = (unsigned)(ub & 63);
      mix(ua << s); mix(ua >> s); mix((uint64_t)(a >> s));
      unsigned s32 = (unsigned)(ub & 31);
      mix(ua32 << s32); mix(ua32 >> s32); mix((uint32_t)(a32 >> s32));
      /* 8/16-bit narrowing and sign extension */
      mix((uint64_t)(int64_t)(int8_t)(ua + ub)); mix((uint64_t)(int64_t)(int16_t)(ua * ub));
      mix((uint64_t)(uint8_t)(ua - ub)); mix((uint64_t)(uint16_t)(ua ^ (ub << 3)));
    }
    if (i % 8 == 7)
      printf("after %2d rows: %016llx\n", i + 1, (unsigned long long)ck);
  }
  /* absolute values and negation at extremes via unsigned */
  for (i = 0; i < (int)N64; i++) {
    uint64_t ua = (uint64_t)v[i];
    uint64_t na = 0 - ua;
    mix(na);
    vsink = (int64_t)na;
  }
  /* multiply high parts */
  for (i = 0; i < (int)N64; i++)
    for (j = 0; j < (int)N64; j++) {
      unsigned __int128 p = (unsigned __int128)(uint64_t)v[i] * (uint64_t)v[j];
      __int128 sp = (__int128)v[i] * v[j];
      mix((uint64_t)(p >> 64)); mix((uint64_t)((unsigned __int128)sp >> 64));
    }
  printf("final checksum: %016llx\n", (unsigned long long)ck);
  return (int)(ck & 0x7f);
}

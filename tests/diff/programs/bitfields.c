/* Bitfields (signed/unsigned, spanning words), packed structs (accessed through normal
 * member access only; no misaligned pointer deref), unions, struct layout via offsetof. */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

struct bf {
  unsigned a : 3;
  signed b : 5;
  unsigned c : 12;
  signed d : 20;
  unsigned long long e : 40;
  signed long long f : 23;
  unsigned g : 1;
  unsigned char h : 7;
};

struct __attribute__((packed)) pk {
  char c;
  int i;
  short s;
  long long ll;
  double d;
};

struct mixed { char a; short b; char c; int d; char e; double f; char g; };

union pun { uint64_t u; double d; uint32_t w[2]; uint8_t b[8]; float f[2]; };

#define NOI __attribute__((noinline, noipa))
static NOI void setbf(struct bf *p, int k)
{
  p->a = (unsigned)k; p->b = k - 16; p->c = (unsigned)(k * 37); p->d = k * -12345;
  p->e = (unsigned long long)k * 0x123456789ULL; p->f = (long long)k * -54321; p->g = (unsigned)k & 1; p->h = (unsigned char)(k * 3);
}

int main(void)
{
  printf("sizeof bf=%zu pk=%zu mixed=%zu union=%zu\n", sizeof(struct bf), sizeof(struct pk), sizeof(struct mixed), sizeof(union pun));
  printf("offsets pk: %zu %zu %zu %zu %zu\n", offsetof(struct pk, c), offsetof(struct pk, i), offsetof(struct pk, s),
         offsetof(struct pk, ll), offsetof(struct pk, d));
  printf("offsets mixed: %zu %zu %zu %zu %zu %zu %zu\n", offsetof(struct mixed, a), offsetof(struct mixed, b), offsetof(struct mixed, c),
         offsetof(struct mixed, d), offsetof(struct mixed, e), offsetof(struct mixed, f), offsetof(struct mixed, g));
  struct bf v;
  uint64_t ck = 0;
  int k;
  for (k = 0; k < 300; k++) {
    memset(&v, 0, sizeof v);
    setbf(&v, k);
    ck = ck * 31 + v.a; ck = ck * 31 + (uint64_t)(int64_t)v.b; ck = ck * 31 + v.c; ck = ck * 31 + (uint64_t)(int64_t)v.d;
    ck = ck * 31 + v.e; ck = ck * 31 + (uint64_t)(int64_t)v.f; ck = ck * 31 + v.g; ck = ck * 31 + v.h;
    if (k % 60 == 7) {
      unsigned char raw[sizeof v];
      memcpy(raw, &v, sizeof v);
      printf("k=%3d a=%u b=%d c=%u d=%d e=%llu f=%lld g=%u h=%u raw=", k, v.a, v.b, v.c, v.d, (unsigned long long)v.e,
             (long long)v.f, v.g, v.h);
      size_t i;
      for (i = 0; i < sizeof v; i++) printf("%02x", raw[i]);
      printf("\n");
    }
    /* read-modify-write of bitfields */
    v.c += 4095; v.b ^= 7; v.e -= 1; v.f = -v.f;
    ck = ck * 7 + v.c + (uint64_t)(int64_t)v.b + v.e + (uint64_t)(int64_t)v.f;
  }
  printf("bitfield ck=%016llx\n", (unsigned long long)ck);
  struct pk p[3];
  memset(p, 0, sizeof p);
  for (k = 0; k < 3; k++) { p[k].c = (char)('A' + k); p[k].i = -1000 * k - 7; p[k].s = (short)(300 * k); p[k].ll = 0x1122334455667788LL * (k + 1); p[k].d = 1.25 * k; }
  long long sum = 0;
  for (k = 0; k < 3; k++) sum += p[k].c + p[k].i + p[k].s + p[k].ll + (long long)(p[k].d * 4);
  const unsigned char *rb = (const unsigned char *)p;
  printf("packed sum=%lld bytes:", sum);
  for (k = 0; k < (int)sizeof p; k++) printf("%02x", rb[k]);
  printf("\n");
  union pun u;
  u.d = -1.5;
  printf("pun d=-1.5 u=%016llx w=%08x,%08x b0=%02x b7=%02x\n", (unsigned long long)u.u, u.w[0], u.w[1], u.b[0], u.b[7]);
  u.f[0] = 1.0f; u.f[1] = -2.0f;
  printf("pun floats u=%016llx\n", (unsigned long long)u.u);
  u.u = 0x7ff8000000000001ULL;
  printf("pun nan payload d!=d:%d\n", u.d != u.d);
  return (int)(ck & 0x7f);
}

/* Structs passed and returned by value: small (in registers), mixed int/float, large
 * (memory), nested, arrays in structs, and chains of such calls. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define NOI __attribute__((noinline, noipa))

struct i2 { int a, b; };
struct l2 { long a, b; };
struct d2 { double x, y; };
struct f4 { float a, b, c, d; };
struct mix { int i; double d; char c; float f; };
struct c3 { char a, b, c; };
struct big { long v[10]; double w[3]; char name[24]; };
struct nested { struct i2 p; struct d2 q; short s; };
struct ld1 { long double x; };

static NOI struct i2 mk_i2(int a, int b) { struct i2 r = { a * 2, b - 1 }; return r; }
static NOI struct l2 add_l2(struct l2 x, struct l2 y) { struct l2 r = { x.a + y.a, x.b * y.b }; return r; }
static NOI struct d2 rot(struct d2 p, double c, double s) { struct d2 r = { p.x * c - p.y * s, p.x * s + p.y * c }; return r; }
static NOI struct f4 scale(struct f4 v, float k) { v.a *= k; v.b *= k; v.c *= k; v.d *= k; return v; }
static NOI struct mix mk_mix(int i) { struct mix m; memset(&m, 0, sizeof m); m.i = i; m.d = i / 4.0; m.c = (char)('a' + i % 26); m.f = (float)i * 1.5f; return m; }
static NOI struct c3 mk_c3(char x) { struct c3 r = { x, (char)(x + 1), (char)(x + 2) }; return r; }
static NOI struct big mk_big(int seed)
{
  struct big b;
  int i;
  memset(&b, 0, sizeof b);
  for (i = 0; i < 10; i++) b.v[i] = (long)seed * (i + 1) - 17;
  for (i = 0; i < 3; i++) b.w[i] = seed / (double)(i + 2);
  snprintf(b.name, sizeof b.name, "big-%d", seed);
  return b;
}
static NOI struct big twist(struct big b) { int i; for (i = 0; i < 10; i++) b.v[i] ^= b.v[9 - i] << 1; b.w[0] += b.w[2]; b.name[0] = 'B'; return b; }
static NOI struct nested mk_nested(struct i2 p, struct d2 q) { struct nested n; memset(&n, 0, sizeof n); n.p = p; n.q = q; n.s = (short)(p.a + p.b); return n; }
static NOI struct ld1 half(struct ld1 v) { v.x /= 2; return v; }
static NOI long sum_big(struct big b) { long s = 0; int i; for (i = 0; i < 10; i++) s += b.v[i]; return s + (long)b.w[0] + b.name[4]; }

int main(void)
{
  struct i2 a = mk_i2(21, 43);
  printf("i2 %d %d\n", a.a, a.b);
  struct l2 l = { 1L << 40, 3 }, m = { -5, 7 };
  l = add_l2(l, m); l = add_l2(l, l);
  printf("l2 %ld %ld\n", l.a, l.b);
  struct d2 p = { 1.0, 0.0 };
  int i;
  for (i = 0; i < 12; i++) p = rot(p, 0.8660254037844386, 0.5);
  printf("d2 after 12 rotations %.12f %.12f\n", p.x, p.y);
  struct f4 f = { 1, 2, 3, 4 };
  f = scale(scale(f, 0.5f), -3.0f);
  printf("f4 %g %g %g %g\n", f.a, f.b, f.c, f.d);
  struct mix mx = mk_mix(57);
  printf("mix %d %g %c %g\n", mx.i, mx.d, mx.c, mx.f);
  struct c3 c = mk_c3('p');
  printf("c3 %c%c%c\n", c.a, c.b, c.c);
  struct big b = twist(mk_big(12345));
  printf("big %ld %ld %.4f %s sum=%ld\n", b.v[0], b.v[9], b.w[0], b.name, sum_big(b));
  struct big arr[4];
  for (i = 0; i < 4; i++) arr[i] = mk_big(i * 1000);
  long tot = 0;
  for (i = 0; i < 4; i++) tot += sum_big(twist(arr[i]));
  printf("big array total %ld\n", tot);
  struct nested n = mk_nested(mk_i2(3, 4), rot(p, 0.0, 1.0));
  printf("nested %d %d %.6f %.6f %d\n", n.p.a, n.p.b, n.q.x, n.q.y, n.s);
  struct ld1 h = { 10.0L };
  for (i = 0; i < 5; i++) h = half(h);
  printf("ld1 %Lg\n", h.x);
  return (int)((tot + a.a + l.a) & 0x7f);
}

/* Function pointers: tables, callbacks, returning function pointers, pointer comparison. */
#include <stdio.h>
#include <stdint.h>

typedef int64_t (*binop)(int64_t, int64_t);
static int64_t f_add(int64_t a, int64_t b) { return a + b; }
static int64_t f_sub(int64_t a, int64_t b) { return a - b; }
static int64_t f_mul(int64_t a, int64_t b) { return a * b; }
static int64_t f_xor(int64_t a, int64_t b) { return a ^ b; }
static int64_t f_min(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t f_max(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t f_shl(int64_t a, int64_t b) { return (int64_t)((uint64_t)a << (b & 63)); }

static const binop table[] = { f_add, f_sub, f_mul, f_xor, f_min, f_max, f_shl };
static const char *names[] = { "add", "sub", "mul", "xor", "min", "max", "shl" };
#define NT (int)(sizeof table / sizeof table[0])

static int64_t fold(const int64_t *v, int n, binop op, int64_t init)
{
  int i;
  for (i = 0; i < n; i++) init = op(init, v[i]);
  return init;
}

static binop pick(int k) { return table[k % NT]; }

struct shape { const char *name; double (*area)(const struct shape *); double a, b; };
static double rect_area(const struct shape *s) { return s->a * s->b; }
static double tri_area(const struct shape *s) { return 0.5 * s->a * s->b; }
static double circ_area(const struct shape *s) { return 3.0 * s->a * s->a; }

typedef void (*visitor)(int, void *);
static void walk(int n, visitor v, void *ctx) { int i; for (i = 0; i < n; i++) v(i, ctx); }
static void v_sum(int i, void *ctx) { *(int64_t *)ctx += i * i; }
static void v_hash(int i, void *ctx) { uint64_t *h = ctx; *h = (*h ^ (uint64_t)i) * 0x100000001b3ULL; }

/* array of pointers to functions returning pointers to functions */
static binop (*pickers[2])(int) = { pick, pick };

int main(void)
{
  int64_t v[20];
  int i;
  for (i = 0; i < 20; i++) v[i] = (i * 7919) % 101 - 50;
  int64_t acc = 0;
  for (i = 0; i < NT; i++) {
    int64_t r = fold(v, 20, table[i], i == 2 ? 1 : 0);
    printf("%s fold = %lld\n", names[i], (long long)r);
    acc ^= r;
  }
  int64_t x = 3;
  for (i = 0; i < 50; i++) x = pickers[i & 1](i)(x, i + 1) & 0xffffff;
  printf("chain = %lld\n", (long long)x);
  struct shape sh[] = { { "rect", rect_area, 3, 4 }, { "tri", tri_area, 5, 6 }, { "circ", circ_area, 2, 0 } };
  for (i = 0; i < 3; i++) printf("%s area %.2f\n", sh[i].name, sh[i].area(&sh[i]));
  int64_t s = 0; uint64_t h = 0xcbf29ce484222325ULL;
  walk(100, v_sum, &s);
  walk(100, v_hash, &h);
  printf("visit sum=%lld hash=%016llx\n", (long long)s, (unsigned long long)h);
  printf("ptr eq: %d %d\n", table[0] == f_add, table[1] == f_add);
  volatile binop vp = f_mul;
  printf("volatile call: %lld\n", (long long)vp(123456, 654321));
  return (int)((acc ^ x ^ s ^ (int64_t)h) & 0x7f);
}

/* Arbitrary precision: factorials up to 1000!, 2^4000, and a Fibonacci number, using
 * base-1e9 limbs (multiply by small, add, full multiply), printed in decimal. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#define MAXL 1400
typedef struct { uint32_t d[MAXL]; int n; } big;   /* little-endian base 1e9 limbs */

static void set_u(big *a, uint32_t v) { a->n = 0; while (v) { a->d[a->n++] = v % 1000000000u; v /= 1000000000u; } }
static void mul_small(big *a, uint32_t m)
{
  uint64_t carry = 0; int i;
  for (i = 0; i < a->n; i++) { uint64_t t = (uint64_t)a->d[i] * m + carry; a->d[i] = (uint32_t)(t % 1000000000u); carry = t / 1000000000u; }
  while (carry) { a->d[a->n++] = (uint32_t)(carry % 1000000000u); carry /= 1000000000u; }
}
static void add(big *r, const big *a, const big *b)
{
  uint32_t carry = 0; int i, n = a->n > b->n ? a->n : b->n;
  for (i = 0; i < n; i++) {
    uint32_t t = (i < a->n ? a->d[i] : 0) + (i < b->n ? b->d[i] : 0) + carry;
    carry = t >= 1000000000u; r->d[i] = carry ? t - 1000000000u : t;
  }
  r->n = n;
  if (carry) r->d[r->n++] = 1;
}
static void mul(big *r, const big *a, const big *b)
{
  static uint64_t t[2 * MAXL];
  int i, j;
  memset(t, 0, sizeof(uint64_t) * (size_t)(a->n + b->n + 1));
  for (i = 0; i < a->n; i++) {
    uint64_t carry = 0;
    for (j = 0; j < b->n; j++) { uint64_t v = t[i + j] + (uint64_t)a->d[i] * b->d[j] + carry; t[i + j] = v % 1000000000u; carry = v / 1000000000u; }
    int k = i + b->n;
    while (carry) { uint64_t v = t[k] + carry; t[k] = v % 1000000000u; carry = v / 1000000000u; k++; }
  }
  r->n = a->n + b->n;
  for (i = 0; i < r->n; i++) r->d[i] = (uint32_t)t[i];
  while (r->n > 0 && r->d[r->n - 1] == 0) r->n--;
}
static uint32_t digits_sum;
static int ndigits(const big *a) { int n = (a->n - 1) * 9; uint32_t top = a->d[a->n - 1]; while (top) { n++; top /= 10; } return n; }
static void print(const char *label, const big *a, int full)
{
  char buf[MAXL * 9 + 2];
  int i, pos = sprintf(buf, "%u", a->d[a->n - 1]);
  for (i = a->n - 2; i >= 0; i--) pos += sprintf(buf + pos, "%09u", a->d[i]);
  for (i = 0; i < pos; i++) digits_sum += (uint32_t)(buf[i] - '0');
  if (full || pos <= 120) printf("%s = %s\n", label, buf);
  else printf("%s = %.50s...%s (%d digits)\n", label, buf, buf + pos - 50, pos);
}

int main(void)
{
  static big f, p, a, b, c, sq;
  uint32_t i;
  set_u(&f, 1);
  for (i = 1; i <= 1000; i++) {
    mul_small(&f, i);
    if (i == 10 || i == 25 || i == 50 || i == 100) { char l[16]; sprintf(l, "%u!", i); print(l, &f, 1); }
  }
  print("1000!", &f, 0);
  printf("digits of 1000! = %d\n", ndigits(&f));
  set_u(&p, 1);
  for (i = 0; i < 4000; i++) mul_small(&p, 2);
  print("2^4000", &p, 0);
  set_u(&a, 0); set_u(&b, 1);
  a.n = 0;
  for (i = 0; i < 5000; i++) { add(&c, &a, &b); a = b; b = c; }
  print("fib(5001)", &b, 0);
  mul(&sq, &f, &f);
  print("(1000!)^2", &sq, 0);
  static big t;
  set_u(&t, 7);
  for (i = 0; i < 11; i++) { mul(&t, &t, &t); mul_small(&t, 3); }
  print("iterated square", &t, 0);
  printf("digit sum total %u\n", digits_sum);
  return (int)(digits_sum & 0x7f);
}

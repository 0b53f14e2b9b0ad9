/* Deep recursion: register-window spill/fill with depth > 1000. */
#include <stdio.h>
#include <stdint.h>

#define NOI __attribute__((noinline, noipa))

static NOI uint64_t ack(uint64_t m, uint64_t n)
{
  if (m == 0) return n + 1;
  if (n == 0) return ack(m - 1, 1);
  return ack(m - 1, ack(m, n - 1));
}

static uint64_t memo[3001];
static unsigned char have[3001];
/* memoised recursive fib: recursion depth n */
static NOI uint64_t fibm(int n)
{
  if (n < 2) return (uint64_t)n;
  if (have[n]) return memo[n];
  uint64_t r = fibm(n - 1) + fibm(n - 2);
  memo[n] = r; have[n] = 1;
  return r;
}

static NOI uint64_t fibn(int n) { return n < 2 ? (uint64_t)n : fibn(n - 1) + fibn(n - 2); }

static int maxdepth;
/* many live values across the call so every window really is used */
static NOI uint64_t deep(int d, uint64_t a, uint64_t b, uint64_t c, uint64_t e, uint64_t f)
{
  volatile uint64_t loc[4] = { a ^ d, b + d, c * 3, e - f };
  if (d > maxdepth) maxdepth = d;
  if (d == 0) return a + b + c + e + f;
  uint64_t r = deep(d - 1, b + 1, c ^ a, e + 7, f * 5 + 1, a + d);
  return r * 31 + loc[0] + loc[1] + loc[2] + loc[3];
}

/* recursion with a big frame */
static NOI uint64_t bigframe(int d)
{
  volatile unsigned char buf[512];
  int i;
  for (i = 0; i < 512; i += 64) buf[i] = (unsigned char)(d + i);
  if (d == 0) return 1;
  uint64_t r = bigframe(d - 1);
  for (i = 0; i < 512; i += 64) r = r * 3 + buf[i];
  return r;
}

int main(void)
{
  uint64_t m, n;
  for (m = 0; m <= 3; m++)
    for (n = 0; n <= (m == 3 ? 6 : 8); n++)
      printf("ack(%llu,%llu) = %llu\n", (unsigned long long)m, (unsigned long long)n, (unsigned long long)ack(m, n));
  printf("fibm(90) = %llu\n", (unsigned long long)fibm(90));
  printf("fibm(1500) mod 2^64 = %llu\n", (unsigned long long)fibm(1500));
  printf("fibm(3000) mod 2^64 = %llu\n", (unsigned long long)fibm(3000));
  printf("fibn(22) = %llu\n", (unsigned long long)fibn(22));
  uint64_t d = deep(2500, 1, 2, 3, 4, 5);
  printf("deep(2500) = %016llx maxdepth=%d\n", (unsigned long long)d, maxdepth);
  uint64_t b = bigframe(600);
  printf("bigframe(600) = %016llx\n", (unsigned long long)b);
  /* alternate shallow/deep to spill and refill repeatedly */
  uint64_t acc = 0;
  int i;
  for (i = 0; i < 40; i++) acc = acc * 7 + deep((i * 37) % 50, i, 1, 2, 3, 4);
  printf("alternating acc = %016llx\n", (unsigned long long)acc);
  return (int)((d ^ b ^ acc) & 0x7f);
}

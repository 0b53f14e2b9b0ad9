/* Mutual recursion: even/odd, Hofstadter F/M, recursive-descent expression parser. */
#include <stdio.h>
#include <stdint.h>

#define NOI __attribute__((noinline, noipa))

static NOI int is_odd(unsigned n);
static NOI int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static NOI int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static NOI int hofM(int n);
static NOI int hofF(int n) { return n == 0 ? 1 : n - hofM(hofF(n - 1)); }
static NOI int hofM(int n) { return n == 0 ? 0 : n - hofF(hofM(n - 1)); }

/* expression grammar: expr = term {(+|-) term}; term = factor {(*|/|%) factor}; factor = num | -factor | (expr) */
static const char *p;
static NOI long expr(void);
static NOI long factor(void)
{
  while (*p == ' ') p++;
  if (*p == '(') { p++; long v = expr(); while (*p == ' ') p++; if (*p == ')') p++; return v; }
  if (*p == '-') { p++; return -factor(); }
  long v = 0;
  while (*p >= '0' && *p <= '9') v = v * 10 + (*p++ - '0');
  return v;
}
static NOI long term(void)
{
  long v = factor();
  for (;;) {
    while (*p == ' ') p++;
    char c = *p;
    if (c != '*' && c != '/' && c != '%') return v;
    p++;
    long r = factor();
    if (c == '*') v *= r;
    else if (r != 0) v = (c == '/') ? v / r : v % r;
  }
}
static NOI long expr(void)
{
  long v = term();
  for (;;) {
    while (*p == ' ') p++;
    char c = *p;
    if (c != '+' && c != '-') return v;
    p++;
    long r = term();
    v = c == '+' ? v + r : v - r;
  }
}

int main(void)
{
  unsigned n;
  int sum = 0;
  for (n = 0; n < 3000; n += 137) {
    int e = is_even(n), o = is_odd(n);
    printf("n=%u even=%d odd=%d\n", n, e, o);
    sum += e * 2 + o;
  }
  printf("F:");
  for (n = 0; n < 30; n++) printf(" %d", hofF((int)n));
  printf("\nM:");
  for (n = 0; n < 30; n++) printf(" %d", hofM((int)n));
  printf("\n");
  static const char *exprs[] = {
    "1+2*3", "(1+2)*3", "-(4-10)*-(3)", "100/7%4", "((((((((((1+1))))))))))*2",
    "2*(3+(4*(5+(6*(7+(8*(9+1)))))))", "1-2-3-4-5", "-----5", "123456789*1000 % 9973",
  };
  long tot = 0;
  for (n = 0; n < sizeof exprs / sizeof exprs[0]; n++) {
    p = exprs[n];
    long v = expr();
    printf("%s = %ld\n", exprs[n], v);
    tot += v;
  }
  /* deeply nested parentheses: 1500 levels */
  static char deepbuf[8000];
  int i, k = 0;
  for (i = 0; i < 1500; i++) deepbuf[k++] = '(';
  deepbuf[k++] = '7';
  for (i = 0; i < 1500; i++) { deepbuf[k++] = '+'; deepbuf[k++] = '1'; deepbuf[k++] = ')'; }
  deepbuf[k] = 0;
  p = deepbuf;
  long dv = expr();
  printf("deep nested = %ld\n", dv);
  return (int)((sum + tot + dv) & 0x7f);
}

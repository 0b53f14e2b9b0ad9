/* Every strand says hello with its cpuid and a small computation, then exits. */
#include "bare.h"

static u64 collatz_steps(u64 n) {
  u64 steps = 0;
  while (n != 1) { n = (n & 1) ? 3 * n + 1 : n / 2; steps++; }
  return steps;
}

int main(u64 cpuid) {
  struct line l = {{0}, 0};
  line_str(&l, "hello from strand ");
  line_u64(&l, cpuid);
  line_str(&l, ": collatz(27+id) takes ");
  line_u64(&l, collatz_steps(27 + cpuid));
  line_str(&l, " steps");
  line_end(&l);
  return 0;
}

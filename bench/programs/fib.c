/* fib: naive doubly recursive Fibonacci fib(N) (argv[1], default 34), repeated
 * a few times. Deep call chains exercise save/restore, so register-window spill
 * and fill traps are taken constantly (8 windows on a T2). */
#include "common.h"

__attribute__((noinline)) static long fib(long n) {
  return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 34);
  long sum = 0;
  for (int r = 0; r < 3; r++) {
    /* fib is noinline and 'volatile' n keeps GCC from hoisting the call */
    volatile long m = n - r;
    sum += fib(m);
  }
  printf("fib n=%ld sum=%ld\n", n, sum);
  return 0;
}

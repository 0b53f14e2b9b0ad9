/* The main demo's guest: an ordinary C program, cross-compiled for sparc64 Linux and run
 * on one simulated UltraSPARC T2 strand by build/bin/sparc64-run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int main(int argc, char **argv) {
  printf("Hello from SPARC V9 on a simulated UltraSPARC T2 strand!\n");
  printf("argc=%d, fib(25)=%lu (recursion spills and fills register windows)\n", argc, fib(25));
  double r = 0;
  for (int i = 1; i <= 1000; i++) r += 1.0 / ((double)i * i);
  printf("sum 1/n^2 to 1000 = %.12f, sqrt(6*sum) = %.9f\n", r, sqrt(6 * r));
  char *buf = malloc(1 << 20);
  memset(buf, 'x', 1 << 20);
  printf("malloc'd and filled 1 MB: strlen after terminating = %zu\n", (buf[4095] = 0, strlen(buf)));
  free(buf);
  return 0;
}

/* The timed-machine benchmark's loop as a Linux program, for the untimed runner. */
#include <stdio.h>
#include <stdlib.h>
#include "../../tests/cmt/compute_kernel.h"

int main(int argc, char **argv) {
  unsigned long iters = argc > 1 ? strtoul(argv[1], 0, 10) : 1000000;
  printf("%lu\n", compute_kernel(0, iters));
  return 0;
}

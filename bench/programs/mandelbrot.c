/* mandelbrot: escape-time Mandelbrot set on a SIZE x SIZE grid (argv[1], default
 * 520) over [-2,0.5] x [-1.25,1.25], at most 200 iterations per point; the
 * checksum hashes the per-point iteration counts. Dependent FP mul/add chains and
 * FP compares with data-dependent branches. */
#include "common.h"

int main(int argc, char **argv) {
  long size = bench_arg(argc, argv, 520);
  const int maxit = 200;
  uint64_t h = 0, total = 0;
  for (long py = 0; py < size; py++) {
    double ci = -1.25 + 2.5 * (double)py / (double)size;
    for (long px = 0; px < size; px++) {
      double cr = -2.0 + 2.5 * (double)px / (double)size;
      double zr = 0, zi = 0, zr2 = 0, zi2 = 0;
      int it = 0;
      while (it < maxit && zr2 + zi2 <= 4.0) {
        zi = 2.0 * zr * zi + ci;
        zr = zr2 - zi2 + cr;
        zr2 = zr * zr;
        zi2 = zi * zi;
        it++;
      }
      total += (uint64_t)it;
      h = (h ^ (uint64_t)it) * 0x100000001b3ull;
    }
  }
  printf("mandelbrot size=%ld iterations=%llu checksum=0x%016llx\n", size,
         (unsigned long long)total, (unsigned long long)h);
  return 0;
}

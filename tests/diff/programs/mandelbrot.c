/* Mandelbrot set rendered as ASCII (double) plus a float version and an escape-count
 * histogram. */
#include <stdio.h>
#include <stdint.h>

int main(void)
{
  const char *shades = " .:-=+*#%@";
  int y, x;
  unsigned long hist[11] = { 0 };
  for (y = 0; y < 32; y++) {
    char row[81];
    for (x = 0; x < 78; x++) {
      double cr = -2.2 + x * (3.0 / 78), ci = -1.2 + y * (2.4 / 32), zr = 0, zi = 0;
      int it = 0;
      while (it < 200 && zr * zr + zi * zi <= 4.0) { double t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
      row[x] = shades[it >= 200 ? 9 : it % 9];
      hist[it >= 200 ? 10 : it / 20]++;
    }
    row[78] = 0;
    printf("%s\n", row);
  }
  uint64_t fsum = 0;
  for (y = 0; y < 120; y++)
    for (x = 0; x < 160; x++) {
      float cr = -2.0f + x * 0.01875f, ci = -1.125f + y * 0.01875f, zr = 0, zi = 0;
      int it = 0;
      while (it < 100 && zr * zr + zi * zi <= 4.0f) { float t = zr * zr - zi * zi + cr; zi = 2 * zr * zi + ci; zr = t; it++; }
      fsum = fsum * 3 + (uint64_t)it;
    }
  printf("hist:");
  for (x = 0; x < 11; x++) printf(" %lu", hist[x]);
  printf("\nfloat hash %016llx\n", (unsigned long long)fsum);
  return (int)(fsum & 0x7f);
}

/* alloca and variable-length arrays of varying sizes, in loops and recursion; checks
 * stack pointer realignment with odd sizes. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <alloca.h>

#define NOI __attribute__((noinline, noipa))

static NOI uint64_t use_vla(int n)
{
  uint64_t v[n];
  char c[n * 3 + 1];
  int i;
  for (i = 0; i < n; i++) v[i] = (uint64_t)i * i + (uint64_t)n;
  for (i = 0; i < n * 3; i++) c[i] = (char)(i ^ n);
  c[n * 3] = 0;
  uint64_t s = 0;
  for (i = 0; i < n; i++) s = s * 31 + v[i] + (unsigned char)c[i * 3];
  /* the array must be 8-byte aligned */
  return s ^ ((uintptr_t)v & 7) ^ (((uintptr_t)c & 0) );
}

static NOI uint64_t use_alloca(int n)
{
  uint64_t s = 0;
  int k;
  for (k = 1; k <= 4; k++) {
    int len = n * k + 1;
    unsigned char *p = alloca((size_t)len);
    double *d = alloca(sizeof(double) * (size_t)k);
    memset(p, k, (size_t)len);
    for (int i = 0; i < k; i++) d[i] = k * 0.5 + i;
    s = s * 7 + p[len - 1] + (uint64_t)len + (uint64_t)(d[k - 1] * 4) + (((uintptr_t)d & 7) ? 1000 : 0);
  }
  return s;
}

static NOI uint64_t rec_vla(int depth, int n)
{
  int buf[n];
  int i;
  for (i = 0; i < n; i++) buf[i] = depth * n + i * i;
  uint64_t below = depth ? rec_vla(depth - 1, (n * 7 + 3) % 50 + 1) : 0;
  uint64_t s = 0;
  for (i = 0; i < n; i++) s += (uint64_t)buf[i];
  return below * 3 + s;
}

static NOI double matrix_vla(int r, int c)
{
  double m[r][c];
  int i, j;
  for (i = 0; i < r; i++) for (j = 0; j < c; j++) m[i][j] = i * 0.5 - j * 0.25;
  double t = 0;
  for (i = 0; i < r; i++) for (j = 0; j < c; j++) t += m[i][j] * m[r - 1 - i][c - 1 - j];
  return t;
}

int main(void)
{
  uint64_t h = 0;
  int n;
  for (n = 1; n < 200; n += 7) h = h * 131 + use_vla(n);
  printf("vla hash %016llx\n", (unsigned long long)h);
  for (n = 0; n < 100; n += 3) h = h * 131 + use_alloca(n);
  printf("alloca hash %016llx\n", (unsigned long long)h);
  uint64_t r = rec_vla(300, 17);
  printf("recursive vla %llu\n", (unsigned long long)r);
  printf("matrix vla %.4f %.4f\n", matrix_vla(7, 13), matrix_vla(31, 3));
  /* a large VLA (256 KiB) touching every page */
  {
    int big = 32768;
    uint64_t arr[big];
    for (n = 0; n < big; n++) arr[n] = (uint64_t)n * 3;
    uint64_t s = 0;
    for (n = 0; n < big; n += 512) s += arr[n];
    printf("large vla sum %llu\n", (unsigned long long)s);
    h ^= s;
  }
  return (int)((h ^ r) & 0x7f);
}

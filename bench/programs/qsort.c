/* qsort: libc qsort of N generated 32-bit ints (argv[1], default 250000) with a
 * comparison callback, then a second sort of the result keyed differently.
 * Indirect calls, unpredictable branches and glibc's merge sort / memcpy. */
#include "common.h"

static int cmp_asc(const void *x, const void *y) {
  int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
  return (a > b) - (a < b);
}

/* order by low 12 bits, then by value descending */
static int cmp_mixed(const void *x, const void *y) {
  int32_t a = *(const int32_t *)x, b = *(const int32_t *)y;
  int32_t la = a & 0xfff, lb = b & 0xfff;
  if (la != lb) return (la > lb) - (la < lb);
  return (a < b) - (a > b);
}

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 250000);
  int32_t *v = malloc(sizeof(int32_t) * n);
  if (!v) { fprintf(stderr, "qsort: out of memory\n"); return 1; }
  for (long i = 0; i < n; i++) v[i] = (int32_t)(bench_rand() >> 33) - (1 << 30);
  qsort(v, (size_t)n, sizeof *v, cmp_asc);
  for (long i = 1; i < n; i++)
    if (v[i - 1] > v[i]) { fprintf(stderr, "qsort: not sorted at %ld\n", i); return 1; }
  int32_t lo = v[0], hi = v[n - 1];
  uint64_t h1 = 0;
  for (long i = 0; i < n; i++) h1 = h1 * 1000003u + (uint32_t)v[i];
  qsort(v, (size_t)n, sizeof *v, cmp_mixed);
  uint64_t h2 = 0;
  for (long i = 0; i < n; i++) h2 = h2 * 1000003u + (uint32_t)v[i];
  printf("qsort n=%ld min=%d max=%d h1=0x%016llx h2=0x%016llx\n", n, lo, hi,
         (unsigned long long)h1, (unsigned long long)h2);
  free(v);
  return 0;
}

/* matmul: integer matrix multiply C = A x B of N x N 32-bit matrices (argv[1],
 * default 320), i-k-j order, 64-bit accumulation into the checksum. Loads,
 * multiplies (mulx) and adds in a tight inner loop. */
#include "common.h"

int main(int argc, char **argv) {
  long n = bench_arg(argc, argv, 320);
  int32_t *a = malloc(sizeof(int32_t) * n * n);
  int32_t *b = malloc(sizeof(int32_t) * n * n);
  int32_t *c = calloc((size_t)(n * n), sizeof(int32_t));
  if (!a || !b || !c) { fprintf(stderr, "matmul: out of memory\n"); return 1; }
  for (long i = 0; i < n * n; i++) {
    a[i] = (int32_t)(bench_rand() % 2001) - 1000;
    b[i] = (int32_t)(bench_rand() % 2001) - 1000;
  }
  for (long i = 0; i < n; i++)
    for (long k = 0; k < n; k++) {
      int32_t aik = a[i * n + k];
      const int32_t *brow = &b[k * n];
      int32_t *crow = &c[i * n];
      for (long j = 0; j < n; j++) crow[j] += aik * brow[j];
    }
  uint64_t sum = 0;
  for (long i = 0; i < n * n; i++) sum = sum * 31 + (uint32_t)c[i];
  printf("matmul n=%ld c[0]=%d c[last]=%d checksum=0x%016llx\n", n, c[0], c[n * n - 1],
         (unsigned long long)sum);
  free(a); free(b); free(c);
  return 0;
}

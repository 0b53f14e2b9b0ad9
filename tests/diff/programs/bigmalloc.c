/* Large allocations (mmap-backed), realloc growth/shrink, calloc zeroing, many small
 * allocations with interleaved frees, posix_memalign; contents checksummed. No pointer
 * values are printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t sum_bytes(const unsigned char *p, size_t n)
{
  uint64_t s = 0; size_t i;
  for (i = 0; i < n; i += 61) s = s * 31 + p[i];
  return s + p[n - 1];
}

int main(void)
{
  uint64_t ck = 0;
  size_t i;
  /* several multi-megabyte blocks */
  static const size_t sizes[] = { 1 << 20, 3 << 20, 5 << 20, (8 << 20) + 12345 };
  unsigned char *blocks[4];
  int k;
  for (k = 0; k < 4; k++) {
    blocks[k] = malloc(sizes[k]);
    if (!blocks[k]) { printf("malloc failed\n"); return 1; }
    for (i = 0; i < sizes[k]; i += 4096) blocks[k][i] = (unsigned char)(i / 4096 + k);
    blocks[k][sizes[k] - 1] = 0x5a;
  }
  for (k = 0; k < 4; k++) {
    uint64_t s = 0;
    for (i = 0; i < sizes[k]; i += 4096) s += blocks[k][i];
    s += blocks[k][sizes[k] - 1];
    printf("block %d size %zu page-sum %llu\n", k, sizes[k], (unsigned long long)s);
    ck = ck * 31 + s;
  }
  for (k = 0; k < 4; k++) free(blocks[k]);

  /* realloc growth, keeping the prefix intact */
  size_t cap = 16, len = 0;
  unsigned char *buf = malloc(cap);
  int bad = 0;
  while (cap < (6u << 20)) {
    while (len < cap) { buf[len] = (unsigned char)(len * 7 + (len >> 9)); len++; }
    size_t ncap = cap * 2 + 3;
    buf = realloc(buf, ncap);
    if (!buf) { printf("realloc failed\n"); return 1; }
    for (i = 0; i < len; i += 997) if (buf[i] != (unsigned char)(i * 7 + (i >> 9))) bad++;
    cap = ncap;
  }
  printf("realloc grew to %zu len %zu bad=%d sum=%llu\n", cap, len, bad, (unsigned long long)sum_bytes(buf, len));
  ck = ck * 31 + sum_bytes(buf, len);
  buf = realloc(buf, 1000);
  for (i = 0; i < 1000; i++) if (buf[i] != (unsigned char)(i * 7 + (i >> 9))) bad++;
  printf("shrunk ok=%d\n", bad == 0);
  free(buf);

  /* calloc must give zeroed memory, even after reuse of dirty memory */
  for (k = 0; k < 6; k++) {
    size_t n = (size_t)(1000 + k * 300000);
    unsigned char *d = malloc(n);
    memset(d, 0xff, n);
    free(d);
    unsigned char *z = calloc(n, 1);
    size_t nz = 0;
    for (i = 0; i < n; i++) nz += z[i] != 0;
    printf("calloc %zu nonzero=%zu\n", n, nz);
    free(z);
  }
  /* many small allocations, free every third, reallocate */
  enum { M = 20000 };
  static unsigned char *ptrs[M];
  static size_t lens[M];
  uint32_t r = 1;
  for (k = 0; k < M; k++) {
    r = r * 1664525u + 1013904223u;
    lens[k] = 1 + (r >> 20) % 300;
    ptrs[k] = malloc(lens[k]);
    memset(ptrs[k], k & 0xff, lens[k]);
  }
  for (k = 0; k < M; k += 3) { free(ptrs[k]); ptrs[k] = NULL; }
  for (k = 0; k < M; k += 3) {
    r = r * 1664525u + 1013904223u;
    lens[k] = 1 + (r >> 20) % 1000;
    ptrs[k] = malloc(lens[k]);
    memset(ptrs[k], (k * 3) & 0xff, lens[k]);
  }
  uint64_t s = 0;
  for (k = 0; k < M; k++) {
    size_t j;
    for (j = 0; j < lens[k]; j += 17) s = s * 3 + ptrs[k][j];
    free(ptrs[k]);
  }
  printf("small allocs sum %016llx\n", (unsigned long long)s);
  ck = ck * 31 + s;
  /* aligned allocation */
  int aligned_ok = 1;
  for (k = 4; k <= 16; k++) {
    void *p = NULL;
    if (posix_memalign(&p, (size_t)1 << k, 1000) != 0) { aligned_ok = 0; continue; }
    if (((uintptr_t)p & (((uintptr_t)1 << k) - 1)) != 0) aligned_ok = 0;
    memset(p, 1, 1000);
    free(p);
  }
  void *al = aligned_alloc(64, 640);
  if ((uintptr_t)al & 63) aligned_ok = 0;
  free(al);
  printf("aligned ok=%d\nck=%016llx\n", aligned_ok, (unsigned long long)ck);
  return (int)(ck & 0x7f);
}

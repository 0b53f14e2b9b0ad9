/* A small LZ77-style compressor/decompressor (hash chain match finder) over generated
 * text and binary data; round-trip verified, compressed sizes and hashes printed. */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <stdlib.h>

#define WIN 4096
#define MINM 3
#define MAXM 258

static size_t compress(const uint8_t *in, size_t n, uint8_t *out)
{
  static int head[1 << 14];
  static int prev[1 << 20];
  size_t i = 0, o = 0;
  memset(head, -1, sizeof head);
  while (i < n) {
    int best = 0, bdist = 0;
    if (i + MINM <= n) {
      uint32_t hsh = ((uint32_t)in[i] << 10 ^ (uint32_t)in[i + 1] << 5 ^ in[i + 2]) & ((1 << 14) - 1);
      int cand = head[hsh], tries = 32;
      while (cand >= 0 && i - (size_t)cand <= WIN && tries--) {
        int l = 0;
        while (i + (size_t)l < n && l < MAXM && in[cand + l] == in[i + (size_t)l]) l++;
        if (l > best) { best = l; bdist = (int)(i - (size_t)cand); }
        cand = prev[cand];
      }
      prev[i] = head[hsh]; head[hsh] = (int)i;
    }
    if (best >= MINM) {
      out[o++] = 0xff; out[o++] = (uint8_t)(best - MINM); out[o++] = (uint8_t)(bdist >> 8); out[o++] = (uint8_t)bdist;
      size_t k;
      for (k = 1; k < (size_t)best; k++) {
        size_t p = i + k;
        if (p + MINM <= n) { uint32_t hsh = ((uint32_t)in[p] << 10 ^ (uint32_t)in[p + 1] << 5 ^ in[p + 2]) & ((1 << 14) - 1); prev[p] = head[hsh]; head[hsh] = (int)p; }
      }
      i += (size_t)best;
    } else {
      if (in[i] == 0xff) { out[o++] = 0xff; out[o++] = 0xff; out[o++] = 0; out[o++] = 0; }
      else out[o++] = in[i];
      i++;
    }
  }
  return o;
}

static size_t decompress(const uint8_t *in, size_t n, uint8_t *out)
{
  size_t i = 0, o = 0;
  while (i < n) {
    if (in[i] != 0xff) { out[o++] = in[i++]; continue; }
    int len = in[i + 1] + MINM, dist = in[i + 2] << 8 | in[i + 3];
    i += 4;
    if (dist == 0) { out[o++] = 0xff; continue; }
    while (len--) { out[o] = out[o - (size_t)dist]; o++; }
  }
  return o;
}

static uint64_t fnv(const uint8_t *p, size_t n) { uint64_t h = 0xcbf29ce484222325ULL; while (n--) h = (h ^ *p++) * 0x100000001b3ULL; return h; }

int main(void)
{
  enum { N = 200000 };
  static uint8_t src[N], comp[N * 2], back[N];
  static const char *words[] = { "simulator ", "register ", "window ", "spill ", "fill ", "trap ", "sparc ", "niagara ", "the ", "of ", "and\n" };
  size_t n = 0;
  uint32_t r = 1;
  while (n < N - 16) { r = r * 1664525u + 1013904223u; const char *w = words[(r >> 24) % 11]; size_t l = strlen(w); memcpy(src + n, w, l); n += l; }
  size_t c = compress(src, n, comp), d = decompress(comp, c, back);
  printf("text: %zu -> %zu bytes, roundtrip ok=%d hash=%016llx\n", n, c, d == n && !memcmp(src, back, n), (unsigned long long)fnv(comp, c));
  for (n = 0; n < N; n++) { r = r * 1664525u + 1013904223u; src[n] = (uint8_t)((r >> 29) * 37 + (n % 3 ? 0 : (r >> 16) & 0xff)); }
  c = compress(src, N, comp); d = decompress(comp, c, back);
  printf("binary: %d -> %zu bytes, roundtrip ok=%d hash=%016llx\n", N, c, d == N && !memcmp(src, back, N), (unsigned long long)fnv(comp, c));
  memset(src, 0xff, 5000);
  c = compress(src, 5000, comp); d = decompress(comp, c, back);
  printf("0xff run: 5000 -> %zu bytes, roundtrip ok=%d\n", c, d == 5000 && !memcmp(src, back, 5000));
  return (int)(c & 0x7f);
}

/* Sorting algorithms: insertion, shell, heap, merge (top-down and bottom-up), quicksort
 * (Hoare, 3-way), radix (LSD on 64-bit keys), counting; results cross-checked and hashed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#define N 4000
static int64_t orig[N], a[N], tmp[N];

static uint64_t s = 0x853c49e6748fea9bULL;
static uint64_t rnd(void) { s ^= s >> 12; s ^= s << 25; s ^= s >> 27; return s * 0x2545F4914F6CDD1DULL; }

static void insertion(int64_t *v, int n) { int i, j; for (i = 1; i < n; i++) { int64_t x = v[i]; for (j = i; j > 0 && v[j - 1] > x; j--) v[j] = v[j - 1]; v[j] = x; } }
static void shell(int64_t *v, int n)
{
  static const int gaps[] = { 701, 301, 132, 57, 23, 10, 4, 1 };
  int g, i, j;
  for (g = 0; g < 8; g++) { int gap = gaps[g]; for (i = gap; i < n; i++) { int64_t x = v[i]; for (j = i; j >= gap && v[j - gap] > x; j -= gap) v[j] = v[j - gap]; v[j] = x; } }
}
static void sift(int64_t *v, int root, int n)
{
  for (;;) {
    int c = 2 * root + 1;
    if (c >= n) return;
    if (c + 1 < n && v[c + 1] > v[c]) c++;
    if (v[root] >= v[c]) return;
    int64_t t = v[root]; v[root] = v[c]; v[c] = t; root = c;
  }
}
static void heapsort_(int64_t *v, int n)
{
  int i;
  for (i = n / 2 - 1; i >= 0; i--) sift(v, i, n);
  for (i = n - 1; i > 0; i--) { int64_t t = v[0]; v[0] = v[i]; v[i] = t; sift(v, 0, i); }
}
static void merge_td(int64_t *v, int lo, int hi)
{
  if (hi - lo < 2) return;
  int mid = (lo + hi) / 2, i = lo, j = mid, k = lo;
  merge_td(v, lo, mid); merge_td(v, mid, hi);
  while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
  while (i < mid) tmp[k++] = v[i++];
  while (j < hi) tmp[k++] = v[j++];
  memcpy(v + lo, tmp + lo, (size_t)(hi - lo) * sizeof *v);
}
static void merge_bu(int64_t *v, int n)
{
  int w, lo;
  for (w = 1; w < n; w *= 2) {
    for (lo = 0; lo < n; lo += 2 * w) {
      int mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n, i = lo, j = mid, k = lo;
      while (i < mid && j < hi) tmp[k++] = v[i] <= v[j] ? v[i++] : v[j++];
      while (i < mid) tmp[k++] = v[i++];
      while (j < hi) tmp[k++] = v[j++];
    }
    memcpy(v, tmp, (size_t)n * sizeof *v);
  }
}
static void quick_hoare(int64_t *v, int lo, int hi)
{
  while (lo < hi) {
    int64_t p = v[lo + (hi - lo) / 2];
    int i = lo - 1, j = hi + 1;
    for (;;) {
      do i++; while (v[i] < p);
      do j--; while (v[j] > p);
      if (i >= j) break;
      int64_t t = v[i]; v[i] = v[j]; v[j] = t;
    }
    if (j - lo < hi - j) { quick_hoare(v, lo, j); lo = j + 1; } else { quick_hoare(v, j + 1, hi); hi = j; }
  }
}
static void quick3(int64_t *v, int lo, int hi)
{
  if (hi <= lo) return;
  int64_t p = v[lo];
  int lt = lo, gt = hi, i = lo + 1;
  while (i <= gt) {
    if (v[i] < p) { int64_t t = v[lt]; v[lt++] = v[i]; v[i++] = t; }
    else if (v[i] > p) { int64_t t = v[gt]; v[gt--] = v[i]; v[i] = t; }
    else i++;
  }
  quick3(v, lo, lt - 1); quick3(v, gt + 1, hi);
}
static void radix(int64_t *v, int n)
{
  int pass, i;
  for (pass = 0; pass < 8; pass++) {
    size_t cnt[257] = { 0 };
    int sh = pass * 8;
    for (i = 0; i < n; i++) cnt[((((uint64_t)v[i]) ^ (1ULL << 63)) >> sh & 0xff) + 1]++;
    for (i = 0; i < 256; i++) cnt[i + 1] += cnt[i];
    for (i = 0; i < n; i++) tmp[cnt[(((uint64_t)v[i]) ^ (1ULL << 63)) >> sh & 0xff]++] = v[i];
    memcpy(v, tmp, (size_t)n * sizeof *v);
  }
}
static void counting_small(int64_t *v, int n)
{
  /* values pre-reduced to 0..999 */
  static int cnt[1000];
  int i, k = 0, x;
  memset(cnt, 0, sizeof cnt);
  for (i = 0; i < n; i++) cnt[v[i]]++;
  for (x = 0; x < 1000; x++) while (cnt[x]--) v[k++] = x;
}

static uint64_t hash(const int64_t *v, int n) { uint64_t h = 0; int i; for (i = 0; i < n; i++) h = h * 0x100000001b3ULL + (uint64_t)v[i]; return h; }
static int is_sorted(const int64_t *v, int n) { int i; for (i = 1; i < n; i++) if (v[i - 1] > v[i]) return 0; return 1; }

int main(void)
{
  int dist, i;
  uint64_t total = 0;
  for (dist = 0; dist < 4; dist++) {
    for (i = 0; i < N; i++) {
      switch (dist) {
      case 0: orig[i] = (int64_t)rnd(); break;                 /* full range */
      case 1: orig[i] = (int64_t)(rnd() % 1000); break;        /* many duplicates */
      case 2: orig[i] = i * 3 - (i % 7 == 0 ? 5000 : 0); break; /* nearly sorted */
      default: orig[i] = N - i; break;                         /* reversed */
      }
    }
    int n_ins = dist == 2 ? N : 1200;  /* keep quadratic insertion sort cheap */
    uint64_t ref = 0;
    const char *names[] = { "insertion", "shell", "heap", "merge_td", "merge_bu", "quick_hoare", "quick3", "radix", "counting" };
    int alg;
    for (alg = 0; alg < 9; alg++) {
      int n = alg == 0 ? n_ins : N;
      if (alg == 8 && dist != 1) continue;
      memcpy(a, orig, sizeof a);
      switch (alg) {
      case 0: insertion(a, n); break;
      case 1: shell(a, n); break;
      case 2: heapsort_(a, n); break;
      case 3: merge_td(a, 0, n); break;
      case 4: merge_bu(a, n); break;
      case 5: quick_hoare(a, 0, n - 1); break;
      case 6: quick3(a, 0, n - 1); break;
      case 7: radix(a, n); break;
      case 8: counting_small(a, n); break;
      }
      uint64_t h = hash(a, N);
      if (alg == 1) ref = h;
      printf("dist %d %-11s sorted=%d %s hash=%016llx\n", dist, names[alg], is_sorted(a, n), alg == 0 || h == ref ? "" : "DIFF",
             (unsigned long long)h);
      total = total * 31 + h;
    }
  }
  printf("total %016llx\n", (unsigned long long)total);
  return (int)(total & 0x7f);
}

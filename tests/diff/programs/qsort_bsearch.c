/* qsort and bsearch from libc on ints, doubles, strings and structs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint32_t seed = 12345;
static uint32_t rnd(void) { seed = seed * 1103515245u + 12345u; return seed >> 1; }

static int cmp_int(const void *a, const void *b) { int x = *(const int *)a, y = *(const int *)b; return (x > y) - (x < y); }
static int cmp_int_desc(const void *a, const void *b) { return cmp_int(b, a); }
static int cmp_dbl(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

struct rec { int key; short sub; char name[10]; };
static int cmp_rec(const void *a, const void *b)
{
  const struct rec *x = a, *y = b;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  if (x->sub != y->sub) return x->sub < y->sub ? -1 : 1;
  return strcmp(x->name, y->name);
}

int main(void)
{
  enum { N = 5000 };
  static int a[N];
  int i;
  for (i = 0; i < N; i++) a[i] = (int)(rnd() % 100000) - 50000;
  qsort(a, N, sizeof a[0], cmp_int);
  int sorted = 1; uint64_t h = 0;
  for (i = 0; i < N; i++) { if (i && a[i - 1] > a[i]) sorted = 0; h = h * 1000003 + (uint32_t)a[i]; }
  printf("ints sorted=%d min=%d max=%d median=%d hash=%016llx\n", sorted, a[0], a[N - 1], a[N / 2], (unsigned long long)h);
  int found = 0, missing = 0;
  for (i = -50000; i < 50000; i += 37) {
    int *p = bsearch(&i, a, N, sizeof a[0], cmp_int);
    if (p) { found++; if (*p != i) printf("bad bsearch\n"); } else missing++;
  }
  printf("bsearch found=%d missing=%d\n", found, missing);
  qsort(a, N, sizeof a[0], cmp_int_desc);
  printf("desc first=%d last=%d\n", a[0], a[N - 1]);

  static double d[2000];
  for (i = 0; i < 2000; i++) d[i] = ((double)rnd() / 1e6) * ((i & 1) ? -1.0 : 1.0) + i * 1e-3;
  qsort(d, 2000, sizeof d[0], cmp_dbl);
  printf("dbl min=%.6f max=%.6f d[1000]=%.6f\n", d[0], d[1999], d[1000]);

  static const char *words[] = { "pear", "apple", "fig", "banana", "kiwi", "cherry", "date", "grape", "lemon", "mango",
                                 "apricot", "lime", "plum", "peach", "melon", "orange", "guava", "papaya", "quince", "berry" };
  const char *w[20];
  memcpy(w, words, sizeof w);
  qsort(w, 20, sizeof w[0], cmp_str);
  for (i = 0; i < 20; i++) printf("%s%c", w[i], i == 19 ? '\n' : ' ');
  const char *key = "melon";
  const char **pw = bsearch(&key, w, 20, sizeof w[0], cmp_str);
  printf("melon at index %d\n", pw ? (int)(pw - w) : -1);
  key = "zucchini";
  printf("zucchini found=%d\n", bsearch(&key, w, 20, sizeof w[0], cmp_str) != NULL);

  static struct rec r[600];
  memset(r, 0, sizeof r);
  for (i = 0; i < 600; i++) {
    r[i].key = (int)(rnd() % 50); r[i].sub = (short)(rnd() % 7);
    snprintf(r[i].name, sizeof r[i].name, "n%05u", rnd() % 100000);
  }
  qsort(r, 600, sizeof r[0], cmp_rec);
  uint32_t rh = 0;
  for (i = 0; i < 600; i++) { rh = rh * 31 + (uint32_t)r[i].key * 7 + (uint32_t)r[i].sub; const char *c; for (c = r[i].name; *c; c++) rh = rh * 33 + (unsigned char)*c; }
  printf("records first=%d/%d/%s last=%d/%d/%s hash=%08x\n", r[0].key, r[0].sub, r[0].name, r[599].key, r[599].sub, r[599].name, rh);
  /* edge cases: 0 and 1 element, already sorted, all equal */
  int one = 7; qsort(&one, 1, sizeof one, cmp_int); qsort(a, 0, sizeof a[0], cmp_int);
  for (i = 0; i < 100; i++) a[i] = 5;
  qsort(a, 100, sizeof a[0], cmp_int);
  for (i = 0; i < 100; i++) a[i] = i;
  qsort(a, 100, sizeof a[0], cmp_int);
  printf("edge ok=%d\n", one == 7 && a[0] == 0 && a[99] == 99);
  return (int)((h ^ rh ^ (uint64_t)found) & 0x7f);
}

/* Open-addressing and chained hash tables with string and integer keys: insert, lookup,
 * delete (tombstones), resize; statistics printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t fnv(const char *s) { uint64_t h = 0xcbf29ce484222325ULL; while (*s) h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL; return h; }
static uint64_t mix64(uint64_t x) { x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; x ^= x >> 33; return x; }

/* --- open addressing, integer keys --- */
struct oa { uint64_t *keys; int64_t *vals; unsigned char *state; size_t cap, n, tomb; long probes; };
static void oa_init(struct oa *t, size_t cap) { t->cap = cap; t->n = t->tomb = 0; t->probes = 0; t->keys = calloc(cap, 8); t->vals = calloc(cap, 8); t->state = calloc(cap, 1); }
static void oa_put(struct oa *t, uint64_t k, int64_t v);
static void oa_grow(struct oa *t)
{
  struct oa o = *t; size_t i;
  oa_init(t, o.cap * 2);
  t->probes = o.probes;
  for (i = 0; i < o.cap; i++) if (o.state[i] == 1) oa_put(t, o.keys[i], o.vals[i]);
  free(o.keys); free(o.vals); free(o.state);
}
static void oa_put(struct oa *t, uint64_t k, int64_t v)
{
  if ((t->n + t->tomb + 1) * 4 > t->cap * 3) oa_grow(t);
  size_t i = mix64(k) & (t->cap - 1), firsttomb = (size_t)-1;
  for (;; i = (i + 1) & (t->cap - 1)) {
    t->probes++;
    if (t->state[i] == 0) break;
    if (t->state[i] == 2) { if (firsttomb == (size_t)-1) firsttomb = i; continue; }
    if (t->keys[i] == k) { t->vals[i] = v; return; }
  }
  if (firsttomb != (size_t)-1) { i = firsttomb; t->tomb--; }
  t->state[i] = 1; t->keys[i] = k; t->vals[i] = v; t->n++;
}
static int64_t *oa_get(struct oa *t, uint64_t k)
{
  size_t i = mix64(k) & (t->cap - 1);
  for (;; i = (i + 1) & (t->cap - 1)) {
    t->probes++;
    if (t->state[i] == 0) return NULL;
    if (t->state[i] == 1 && t->keys[i] == k) return &t->vals[i];
  }
}
static int oa_del(struct oa *t, uint64_t k)
{
  int64_t *p = oa_get(t, k);
  if (!p) return 0;
  size_t i = (size_t)(p - t->vals);
  t->state[i] = 2; t->n--; t->tomb++;
  return 1;
}

/* --- chained, string keys --- */
struct node { char *key; int count; struct node *next; };
struct ch { struct node **b; size_t nb, n; };
static void ch_inc(struct ch *t, const char *key)
{
  size_t i = fnv(key) % t->nb;
  struct node *p;
  for (p = t->b[i]; p; p = p->next) if (!strcmp(p->key, key)) { p->count++; return; }
  p = malloc(sizeof *p); p->key = strdup(key); p->count = 1; p->next = t->b[i]; t->b[i] = p; t->n++;
}

int main(void)
{
  struct oa t;
  oa_init(&t, 16);
  uint64_t i;
  for (i = 0; i < 30000; i++) oa_put(&t, i * 2654435761ULL, (int64_t)(i * i));
  long found = 0, missing = 0;
  int64_t sum = 0;
  for (i = 0; i < 60000; i++) { int64_t *p = oa_get(&t, i * 2654435761ULL); if (p) { found++; sum += *p; } else missing++; }
  printf("oa: n=%zu cap=%zu found=%ld missing=%ld sum=%lld\n", t.n, t.cap, found, missing, (long long)sum);
  long del = 0;
  for (i = 0; i < 30000; i += 3) del += oa_del(&t, i * 2654435761ULL);
  for (i = 0; i < 30000; i += 6) oa_put(&t, i * 2654435761ULL, -1);
  found = 0; sum = 0;
  for (i = 0; i < 30000; i++) { int64_t *p = oa_get(&t, i * 2654435761ULL); if (p) { found++; sum += *p; } }
  printf("oa after delete: del=%ld n=%zu tomb=%zu found=%ld sum=%lld probes=%ld\n", del, t.n, t.tomb, found, (long long)sum, t.probes);

  struct ch c;
  c.nb = 257; c.n = 0; c.b = calloc(c.nb, sizeof *c.b);
  static const char *syll[] = { "ka", "to", "mi", "ra", "su", "ne", "po", "li", "an", "ex" };
  uint32_t r = 7;
  int k;
  for (k = 0; k < 40000; k++) {
    char w[16];
    int len = 0, j, ns;
    r = r * 1664525u + 1013904223u;
    ns = 1 + (int)((r >> 28) % 3);
    for (j = 0; j < ns; j++) { r = r * 1664525u + 1013904223u; const char *sy = syll[(r >> 24) % 10]; w[len++] = sy[0]; w[len++] = sy[1]; }
    w[len] = 0;
    ch_inc(&c, w);
  }
  int maxc = 0, longest = 0; const char *best = "";
  size_t b;
  uint64_t h = 0;
  for (b = 0; b < c.nb; b++) {
    int chain = 0;
    struct node *p;
    for (p = c.b[b]; p; p = p->next) {
      chain++;
      if (p->count > maxc || (p->count == maxc && strcmp(p->key, best) < 0)) { maxc = p->count; best = p->key; }
      h += fnv(p->key) * (uint64_t)p->count;
    }
    if (chain > longest) longest = chain;
  }
  printf("chained: distinct=%zu most=%s x%d longest chain=%d h=%016llx\n", c.n, best, maxc, longest, (unsigned long long)h);
  return (int)((h ^ (uint64_t)sum) & 0x7f);
}

/* AVL tree: insert, delete, lookup, in-order traversal, height checks; node pool. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>

struct node { int key, h; long val; struct node *l, *r; };
static int ht(struct node *n) { return n ? n->h : 0; }
static int mx(int a, int b) { return a > b ? a : b; }
static void upd(struct node *n) { n->h = 1 + mx(ht(n->l), ht(n->r)); }
static struct node *rotr(struct node *y) { struct node *x = y->l; y->l = x->r; x->r = y; upd(y); upd(x); return x; }
static struct node *rotl(struct node *x) { struct node *y = x->r; x->r = y->l; y->l = x; upd(x); upd(y); return y; }
static struct node *bal(struct node *n)
{
  upd(n);
  int b = ht(n->l) - ht(n->r);
  if (b > 1) { if (ht(n->l->l) < ht(n->l->r)) n->l = rotl(n->l); return rotr(n); }
  if (b < -1) { if (ht(n->r->r) < ht(n->r->l)) n->r = rotr(n->r); return rotl(n); }
  return n;
}
static long rotations;
static struct node *ins(struct node *n, int k, long v)
{
  if (!n) { n = malloc(sizeof *n); n->key = k; n->val = v; n->h = 1; n->l = n->r = NULL; return n; }
  if (k < n->key) n->l = ins(n->l, k, v);
  else if (k > n->key) n->r = ins(n->r, k, v);
  else { n->val += v; return n; }
  int before = n->h;
  struct node *res = bal(n);
  if (res != n) rotations++;
  (void)before;
  return res;
}
static struct node *del(struct node *n, int k)
{
  if (!n) return NULL;
  if (k < n->key) n->l = del(n->l, k);
  else if (k > n->key) n->r = del(n->r, k);
  else {
    if (!n->l || !n->r) { struct node *c = n->l ? n->l : n->r; free(n); return c; }
    struct node *m = n->r;
    while (m->l) m = m->l;
    n->key = m->key; n->val = m->val;
    n->r = del(n->r, m->key);
  }
  return bal(n);
}
static struct node *find(struct node *n, int k) { while (n && n->key != k) n = k < n->key ? n->l : n->r; return n; }
static int check(struct node *n, int lo, int hi, long *cnt, uint64_t *h)
{
  if (!n) return 0;
  if (n->key <= lo || n->key >= hi) return -1000;
  int a = check(n->l, lo, n->key, cnt, h);
  (*cnt)++;
  *h = *h * 1000003 + (uint64_t)n->key * 7 + (uint64_t)n->val;
  int b = check(n->r, n->key, hi, cnt, h);
  if (a < 0 || b < 0 || abs(a - b) > 1 || n->h != 1 + mx(a, b)) return -1000;
  return 1 + mx(a, b);
}
static void freeall(struct node *n) { if (n) { freeall(n->l); freeall(n->r); free(n); } }

int main(void)
{
  struct node *root = NULL;
  uint32_t r = 31337;
  int i;
  for (i = 0; i < 6000; i++) { r = r * 1103515245u + 12345u; root = ins(root, (int)(r >> 8) % 50000, i); }
  long cnt = 0; uint64_t h = 0;
  int height = check(root, -1, 1 << 30, &cnt, &h);
  printf("after inserts: nodes=%ld height=%d rotations=%ld hash=%016llx\n", cnt, height, rotations, (unsigned long long)h);
  int found = 0;
  for (i = 0; i < 50000; i += 7) found += find(root, i) != NULL;
  printf("found %d of %d probes\n", found, 50000 / 7 + 1);
  for (i = 0; i < 50000; i += 3) if (find(root, i)) root = del(root, i);
  cnt = 0; h = 0;
  height = check(root, -1, 1 << 30, &cnt, &h);
  printf("after deletes: nodes=%ld height=%d hash=%016llx\n", cnt, height, (unsigned long long)h);
  for (i = 0; i < 2000; i++) root = ins(root, i * 2, -i);   /* sorted inserts */
  cnt = 0; h = 0;
  height = check(root, -1, 1 << 30, &cnt, &h);
  printf("after sorted inserts: nodes=%ld height=%d hash=%016llx\n", cnt, height, (unsigned long long)h);
  freeall(root);
  return (int)(h & 0x7f);
}

/* setjmp/longjmp: simple, nested, from deep recursion (window flush), sigsetjmp. */
#include <stdio.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#define NOI __attribute__((noinline, noipa))

static jmp_buf env, env2;
static volatile int counter;

static NOI void thrower(int v) { longjmp(env, v); }

static NOI uint64_t dive(int d, uint64_t acc)
{
  volatile uint64_t local = acc * 3 + (uint64_t)d;
  if (d == 0) longjmp(env, (int)(local & 0xffff) | 1);
  if (d < 0) return 0;
  return dive(d - 1, local) + local;
}

static NOI int dive2(int d, int target)
{
  int r;
  if (d == target) longjmp(env2, d);
  if (d > 100000) return 0;
  r = dive2(d + 1, target);
  return r + 1;
}

struct ctx { jmp_buf jb; int depth; };
static NOI void nested_inner(struct ctx *c) { c->depth++; if (c->depth > 3) longjmp(c->jb, c->depth); if (c->depth < 100) nested_inner(c); }

int main(void)
{
  int r;
  volatile int i;
  volatile uint64_t keep = 0xdeadbeefcafef00dULL;  /* must survive longjmp */
  r = setjmp(env);
  if (r == 0) { counter = 1; thrower(42); printf("not reached\n"); }
  printf("first longjmp returned %d counter=%d\n", r, counter);

  r = setjmp(env);
  if (r == 0) thrower(0);
  printf("longjmp(0) gives %d\n", r);

  for (i = 0; i < 6; i++) {
    r = setjmp(env);
    if (r == 0) { dive(200 + i * 300, (uint64_t)i); printf("not reached\n"); }
    printf("deep %d: r=%d keep=%016llx\n", (int)i, r, (unsigned long long)keep);
  }
  for (i = 1; i < 2000; i += 333) {
    r = setjmp(env2);
    if (r == 0) dive2(0, i);
    else printf("dive2 target %d -> %d\n", (int)i, r);
  }
  struct ctx c; memset(&c, 0, sizeof c);
  if ((r = setjmp(c.jb)) == 0) nested_inner(&c);
  printf("nested ctx r=%d depth=%d\n", r, c.depth);

  sigjmp_buf sj;
  volatile int round = 0;
  if ((r = sigsetjmp(sj, 1)) < 5) { round++; siglongjmp(sj, r + 1); }
  printf("sigsetjmp rounds=%d r=%d\n", round, r);
  /* loop via longjmp many times */
  volatile int loops = 0;
  r = setjmp(env);
  if (loops < 1000) { loops++; longjmp(env, loops); }
  printf("loops=%d r=%d\n", loops, r);
  return (r + round + (int)(keep & 0x7f)) & 0x7f;
}

/* Computed goto (labels as values) driving a threaded-code interpreter and a state machine. */
#include <stdio.h>
#include <stdint.h>

enum { I_LIT, I_ADD, I_MUL, I_DUP, I_DEC, I_JNZ, I_SWAP, I_DROP, I_OUT, I_END };

static uint64_t run(const int *code, int trace)
{
  static void *disp[] = { &&lit, &&add, &&mul, &&dup, &&dec, &&jnz, &&swap, &&drop, &&out, &&end };
  int64_t st[64];
  int sp = 0, pc = 0;
  uint64_t h = 0;
  long steps = 0;
#define NEXT do { steps++; goto *disp[code[pc++]]; } while (0)
  NEXT;
lit: st[sp++] = code[pc++]; NEXT;
add: sp--; st[sp - 1] += st[sp]; NEXT;
mul: sp--; st[sp - 1] = (int64_t)((uint64_t)st[sp - 1] * (uint64_t)st[sp]); NEXT;
dup: st[sp] = st[sp - 1]; sp++; NEXT;
dec: st[sp - 1]--; NEXT;
jnz: if (st[--sp]) pc = code[pc]; else pc++; NEXT;
swap: { int64_t t = st[sp - 1]; st[sp - 1] = st[sp - 2]; st[sp - 2] = t; } NEXT;
drop: sp--; NEXT;
out: if (trace) printf("  out %lld\n", (long long)st[sp - 1]); h = h * 31 + (uint64_t)st[--sp]; NEXT;
end:
  printf("  steps=%ld\n", steps);
  return h;
}

/* state machine: parse signed decimal numbers separated by junk */
static long parse_all(const char *s, long *count)
{
  static void *const states[] = { &&st_start, &&st_sign, &&st_digit };
  long total = 0, cur = 0; int neg = 0;
  *count = 0;
  void *state = states[0];
  for (;; s++) {
    char ch = *s;
    goto *state;
  st_start:
    if (ch == '-') { neg = 1; cur = 0; state = states[1]; continue; }
    if (ch >= '0' && ch <= '9') { neg = 0; cur = ch - '0'; state = states[2]; continue; }
    if (!ch) break;
    continue;
  st_sign:
    if (ch >= '0' && ch <= '9') { cur = ch - '0'; state = states[2]; continue; }
    state = states[0];
    if (!ch) break;
    continue;
  st_digit:
    if (ch >= '0' && ch <= '9') { cur = cur * 10 + (ch - '0'); continue; }
    total += neg ? -cur : cur; (*count)++; neg = 0;
    state = states[0];
    if (!ch) break;
    if (ch == '-') { neg = 1; state = states[1]; }
    continue;
  }
  return total;
}

int main(void)
{
  /* factorial of 20 via loop: acc n ; loop: acc*n, n-1 */
  static const int fact[] = { I_LIT, 1, I_LIT, 20, /*4*/ I_DUP, I_JNZ, 8, I_END, /*8*/ I_SWAP, I_LIT, 0, I_ADD, I_SWAP, I_DUP,
                              I_SWAP, I_DROP, /*16*/ I_DUP, I_LIT, 0, I_ADD, I_SWAP, I_DROP, 
                              I_DUP, I_OUT, I_END };
  (void)fact;
  /* simpler explicit program: print 10, 9, ..., 1 then multiply-accumulate */
  static const int countdown[] = { I_LIT, 10, /*2*/ I_DUP, I_OUT, I_DEC, I_DUP, I_JNZ, 2, I_DROP,
                                   I_LIT, 3, I_LIT, 7, I_MUL, I_LIT, 100, I_ADD, I_OUT, I_END };
  printf("countdown:\n");
  uint64_t h1 = run(countdown, 1);
  /* power loop: compute 3^40 by repeated multiply, counter on stack */
  static const int power[] = { I_LIT, 1, I_LIT, 40, /*4*/ I_SWAP, I_LIT, 3, I_MUL, I_SWAP, I_DEC, I_DUP, I_JNZ, 4, I_DROP, I_OUT, I_END };
  printf("power:\n");
  uint64_t h2 = run(power, 1);
  /* long running loop */
  static const int spin[] = { I_LIT, 0, I_LIT, 200000, /*4*/ I_SWAP, I_LIT, 7, I_ADD, I_SWAP, I_DEC, I_DUP, I_JNZ, 4, I_DROP, I_OUT, I_END };
  printf("spin:\n");
  uint64_t h3 = run(spin, 1);
  long cnt;
  long tot = parse_all("abc 12 -7 x99y --5 - 3 1000000 -0 42-8", &cnt);
  printf("parse total=%ld count=%ld\n", tot, cnt);
  printf("hash %016llx\n", (unsigned long long)(h1 ^ h2 ^ h3));
  return (int)((h1 ^ h2 ^ h3 ^ (uint64_t)tot) & 0x7f);
}

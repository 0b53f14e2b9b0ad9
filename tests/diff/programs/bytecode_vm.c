/* A small stack-based bytecode interpreter running a few programs (loops, calls, recursion). */
#include <stdio.h>
#include <stdint.h>
#include <string.h>

enum op { PUSH, POP, DUP, SWAP, OVER, ADD, SUB, MUL, DIV, MOD, NEG, AND, OR, XOR, SHL, SHR, LT, EQ, NOT,
          JMP, JZ, JNZ, CALL, RET, LOAD, STORE, PRINT, HALT, ROT };

static const char *names[] = { "PUSH", "POP", "DUP", "SWAP", "OVER", "ADD", "SUB", "MUL", "DIV", "MOD", "NEG", "AND", "OR",
                               "XOR", "SHL", "SHR", "LT", "EQ", "NOT", "JMP", "JZ", "JNZ", "CALL", "RET", "LOAD", "STORE",
                               "PRINT", "HALT", "ROT" };

struct vm { int64_t stack[4096]; int sp; int rstack[4096]; int rsp; int64_t mem[256]; long steps; uint64_t outhash; };

static int run(struct vm *m, const int64_t *code, int trace)
{
  int pc = 0;
  m->sp = 0; m->rsp = 0; m->steps = 0;
  for (;;) {
    int64_t op = code[pc++], a, b;
    if (++m->steps > 20000000) { printf("step limit\n"); return -1; }
    if (trace) printf("  %3d %-5s sp=%d\n", pc - 1, names[op], m->sp);
    switch ((enum op)op) {
    case PUSH: m->stack[m->sp++] = code[pc++]; break;
    case POP: m->sp--; break;
    case DUP: m->stack[m->sp] = m->stack[m->sp - 1]; m->sp++; break;
    case SWAP: a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = a; break;
    case OVER: m->stack[m->sp] = m->stack[m->sp - 2]; m->sp++; break;
    case ROT: a = m->stack[m->sp - 3]; m->stack[m->sp - 3] = m->stack[m->sp - 2]; m->stack[m->sp - 2] = m->stack[m->sp - 1]; m->stack[m->sp - 1] = a; break;
#define BIN(o, expr) case o: b = m->stack[--m->sp]; a = m->stack[m->sp - 1]; m->stack[m->sp - 1] = (expr); break;
    BIN(ADD, (int64_t)((uint64_t)a + (uint64_t)b))
    BIN(SUB, (int64_t)((uint64_t)a - (uint64_t)b))
    BIN(MUL, (int64_t)((uint64_t)a * (uint64_t)b))
    BIN(DIV, b ? (a == INT64_MIN && b == -1 ? a : a / b) : 0)
    BIN(MOD, b ? (b == -1 ? 0 : a % b) : 0)
    BIN(AND, a & b)
    BIN(OR, a | b)
    BIN(XOR, a ^ b)
    BIN(SHL, (int64_t)((uint64_t)a << (b & 63)))
    BIN(SHR, (int64_t)((uint64_t)a >> (b & 63)))
    BIN(LT, a < b)
    BIN(EQ, a == b)
    case NEG: m->stack[m->sp - 1] = (int64_t)(0 - (uint64_t)m->stack[m->sp - 1]); break;
    case NOT: m->stack[m->sp - 1] = !m->stack[m->sp - 1]; break;
    case JMP: pc = (int)code[pc]; break;
    case JZ: a = m->stack[--m->sp]; pc = a == 0 ? (int)code[pc] : pc + 1; break;
    case JNZ: a = m->stack[--m->sp]; pc = a != 0 ? (int)code[pc] : pc + 1; break;
    case CALL: m->rstack[m->rsp++] = pc + 1; pc = (int)code[pc]; break;
    case RET: pc = m->rstack[--m->rsp]; break;
    case LOAD: a = code[pc++]; m->stack[m->sp++] = m->mem[a]; break;
    case STORE: a = code[pc++]; m->mem[a] = m->stack[--m->sp]; break;
    case PRINT: a = m->stack[--m->sp]; printf("  out: %lld\n", (long long)a); m->outhash = m->outhash * 31 + (uint64_t)a; break;
    case HALT: return m->sp;
    }
  }
}

/* sum of i*i for i<1000, via loop with memory cells */
static const int64_t prog_sumsq[] = {
  PUSH, 0, STORE, 0,           /* i = 0 */
  PUSH, 0, STORE, 1,           /* s = 0 */
  /* 8: */ LOAD, 0, PUSH, 1000, LT, JZ, 33,
  LOAD, 0, DUP, MUL, LOAD, 1, ADD, STORE, 1,
  LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 8,
  /* 33: */ LOAD, 1, PRINT, HALT };

/* recursive fibonacci via CALL/RET: fib(n) on stack */
static const int64_t prog_fib[] = {
  PUSH, 20, CALL, 6, PRINT, HALT,
  /* 6: fib */ DUP, PUSH, 2, LT, JNZ, 26,
  DUP, PUSH, 1, SUB, CALL, 6, SWAP, PUSH, 2, SUB, CALL, 6, ADD, RET,
  /* 26: */ RET };

/* collatz chain lengths for 1..300; prints the longest length and its start value.
 * cells: 0=n 1=len 2=maxlen 3=argmax 4=x */
static const int64_t prog_collatz[] = {
  /*  0 */ PUSH, 1, STORE, 0, PUSH, 0, STORE, 2, PUSH, 0, STORE, 3,
  /* 12 outer */ LOAD, 0, PUSH, 301, LT, JZ, 93,
  /* 19 */ LOAD, 0, STORE, 4, PUSH, 0, STORE, 1,
  /* 27 inner */ LOAD, 4, PUSH, 1, EQ, JNZ, 69,
  /* 34 */ LOAD, 4, PUSH, 1, AND, JZ, 53,
  /* 41 odd */ LOAD, 4, PUSH, 3, MUL, PUSH, 1, ADD, STORE, 4, JMP, 60,
  /* 53 even */ LOAD, 4, PUSH, 1, SHR, STORE, 4,
  /* 60 inc */ LOAD, 1, PUSH, 1, ADD, STORE, 1, JMP, 27,
  /* 69 done */ LOAD, 2, LOAD, 1, LT, JZ, 84,
  /* 76 */ LOAD, 1, STORE, 2, LOAD, 0, STORE, 3,
  /* 84 next */ LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 12,
  /* 93 end */ LOAD, 2, PRINT, LOAD, 3, PRINT, HALT };

int main(void)
{
  static struct vm m;
  memset(&m, 0, sizeof m);
  printf("trace of first steps of sumsq:\n");
  int64_t tiny[] = { PUSH, 6, PUSH, 7, MUL, DUP, PUSH, 5, ROT, SUB, OVER, XOR, PRINT, PRINT, HALT };
  run(&m, tiny, 1);
  printf("sumsq:\n"); run(&m, prog_sumsq, 0); printf("  steps=%ld\n", m.steps);
  printf("fib:\n"); run(&m, prog_fib, 0); printf("  steps=%ld\n", m.steps);
  printf("collatz:\n"); int left = run(&m, prog_collatz, 0); printf("  steps=%ld left=%d\n", m.steps, left);
  /* a generated program: random arithmetic chain */
  static int64_t gen[3000];
  int pc = 0, i;
  uint32_t r = 99;
  gen[pc++] = PUSH; gen[pc++] = 12345;
  for (i = 0; i < 900; i++) {
    r = r * 1103515245u + 12345u;
    static const int ops[] = { ADD, SUB, MUL, XOR, AND, OR, DIV, MOD, SHL, SHR };
    gen[pc++] = PUSH; gen[pc++] = (int64_t)(r >> 8) - 4000000;
    gen[pc++] = ops[(r >> 3) % 10];
    if (ops[(r >> 3) % 10] == SHL || ops[(r >> 3) % 10] == SHR) { gen[pc - 3 + 1] &= 31; }
  }
  gen[pc++] = PRINT; gen[pc++] = HALT;
  printf("generated:\n"); run(&m, gen, 0);
  printf("outhash=%016llx\n", (unsigned long long)m.outhash);
  return (int)(m.outhash & 0x7f);
}

/* Dense and sparse switch statements (jump tables and compare trees). */
#include <stdio.h>
#include <stdint.h>

#define NOI __attribute__((noinline, noipa))

static NOI int dense(int x)
{
  switch (x) {
  case 0: return 11;  case 1: return 23;  case 2: return 37;  case 3: return 41;
  case 4: return 53;  case 5: return 67;  case 6: return 71;  case 7: return 83;
  case 8: return 97;  case 9: return 101; case 10: return 113; case 11: return 127;
  case 12: return 131; case 13: return 149; case 14: return 151; case 15: return 163;
  case 16: return 173; case 17: return 181; case 18: return 191; case 19: return 197;
  default: return -1;
  }
}

static NOI int64_t dense_fallthrough(int x, int64_t a)
{
  switch (x) {
  case 0: a += 1; /* fallthrough */
  case 1: a *= 3; /* fallthrough */
  case 2: a ^= 0x55; break;
  case 3: a -= 100; /* fallthrough */
  case 4: a <<= 2; break;
  case 5: a = -a; break;
  case 6: case 7: case 8: a += x * 1000; break;
  case 9: a /= 3; /* fallthrough */
  case 10: a %= 1000; break;
  default: a = a * 2 + 1;
  }
  return a;
}

static NOI int sparse(long x)
{
  switch (x) {
  case -1000000: return 1;
  case -5: return 2;
  case 0: return 3;
  case 17: return 4;
  case 255: return 5;
  case 4096: return 6;
  case 65537: return 7;
  case 1000000: return 8;
  case 0x7fffffffL: return 9;
  case 0x100000000L: return 10;
  default: return 0;
  }
}

static NOI const char *charclass(unsigned char c)
{
  switch (c) {
  case 'a': case 'e': case 'i': case 'o': case 'u': return "vowel";
  case '0' ... '9': return "digit";
  case 'A' ... 'Z': return "upper";
  case ' ': case '\t': case '\n': return "space";
  case 'b' ... 'd': case 'f' ... 'h': case 'j' ... 'n': case 'p' ... 't': case 'v' ... 'z': return "consonant";
  default: return "other";
  }
}

/* a state machine driven by a switch: counts words/numbers in a string */
static NOI void scan(const char *s, int *words, int *nums, int *other)
{
  enum { START, WORD, NUM } st = START;
  *words = *nums = *other = 0;
  for (;; s++) {
    char c = *s;
    switch (st) {
    case START:
      if (c >= '0' && c <= '9') { st = NUM; (*nums)++; }
      else if ((c | 32) >= 'a' && (c | 32) <= 'z') { st = WORD; (*words)++; }
      else if (c && c != ' ') (*other)++;
      break;
    case WORD:
      if (!(((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9'))) st = START;
      break;
    case NUM:
      if (!(c >= '0' && c <= '9')) st = START;
      break;
    }
    if (!c) break;
  }
}

int main(void)
{
  int i;
  int64_t sum = 0;
  for (i = -3; i < 24; i++) { printf("dense(%d)=%d\n", i, dense(i)); sum += dense(i); }
  for (i = -2; i < 13; i++) { int64_t r = dense_fallthrough(i, 12345); printf("ft(%d)=%lld\n", i, (long long)r); sum += r; }
  static const long sv[] = { -1000000, -999999, -5, -4, 0, 1, 17, 255, 256, 4096, 65537, 1000000, 0x7fffffffL, 0x100000000L, 0x100000001L };
  for (i = 0; i < (int)(sizeof sv / sizeof sv[0]); i++) { printf("sparse(%ld)=%d\n", sv[i], sparse(sv[i])); sum += sparse(sv[i]) * i; }
  const char *txt = "Hello World 42, zebra\tQ7 ~!";
  for (i = 0; txt[i]; i++) printf("'%c':%s ", txt[i] == '\t' ? 'T' : txt[i], charclass((unsigned char)txt[i]));
  printf("\n");
  int w, n, o;
  scan("the 3 quick foxes jumped 1000 times, over 12 lazy dogs!! x9y", &w, &n, &o);
  printf("words=%d nums=%d other=%d\n", w, n, o);
  /* all 256 byte values through charclass, hashed */
  uint32_t h = 0;
  for (i = 0; i < 256; i++) h = h * 31 + (uint32_t)charclass((unsigned char)i)[0];
  printf("class hash %08x sum %lld\n", h, (long long)sum);
  return (int)((sum + h + w + n + o) & 0x7f);
}

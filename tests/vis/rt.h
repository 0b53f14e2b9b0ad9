/* Minimal freestanding runtime: raw Linux sparc64 syscalls, hex output. */
typedef unsigned long u64;
typedef unsigned int u32;
static long sys3(long n, long a, long b, long c) {
  register long g1 __asm__("g1") = n;
  register long o0 __asm__("o0") = a;
  register long o1 __asm__("o1") = b;
  register long o2 __asm__("o2") = c;
  __asm__ volatile("ta 0x6d" : "+r"(o0) : "r"(g1), "r"(o1), "r"(o2) : "memory", "cc");
  return o0;
}
static char obuf[1 << 16];
static int olen;
static void flush(void) { if (olen) sys3(4, 1, (long)obuf, olen); olen = 0; }
static void putc_(char c) { obuf[olen++] = c; if (olen == sizeof obuf) flush(); }
static void puts_(const char* s) { while (*s) putc_(*s++); }
static void hex(u64 v, int digits) {
  for (int i = digits - 1; i >= 0; --i) putc_("0123456789abcdef"[(v >> (4 * i)) & 15]);
}
static void sp(void) { putc_(' '); }
static void nl(void) { putc_('\n'); }
void* memset(void* d, int c, unsigned long n) { char* p = d; while (n--) *p++ = (char)c; return d; }
void* memcpy(void* d, const void* s, unsigned long n) { char* p = d; const char* q = s; while (n--) *p++ = *q++; return d; }
int cmain(void);
__asm__(".section .text\n.global _start\n_start:\n call cmain\n nop\n mov %o0, %o0\n mov 188, %g1\n ta 0x6d\n");
static u64 rs = 0x9e3779b97f4a7c15ul;
static u64 rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return rs; }

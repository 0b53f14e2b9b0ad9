/* A compute-bound loop: integer work on registers only, no memory traffic, so each strand
 * can issue every cycle its thread group picks it. */
#include "bare.h"

int main(u64 cpuid) {
  u64 a = cpuid + 1, b = 0x9e3779b9, c = 0;
  for (u64 i = 0; i < 100000; i++) {
    a = a * 1 + (b ^ i);
    b = (b << 1) | (b >> 63);
    c += a & 0xff;
  }
  return (int)(c == 0xffffffffffffffffull);   /* 0: keeps the loop's results alive */
}

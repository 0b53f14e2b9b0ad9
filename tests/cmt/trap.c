/* A bare program that executes an illegal instruction: the harness stops the strand with a
 * message naming the trap, pc and instruction, and exits 132. */
#include "bare.h"

int main(u64 cpuid) {
  hv_write("about to trap\n", 14);
  __asm__ volatile("illtrap 0x42");
  return (int)cpuid;
}

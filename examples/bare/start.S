/* Entry of a bare-metal program under vfsim-bare: every started strand arrives here with
 * %o0 = its cpuid, takes its own 32 KB stack below __stack_top, calls main(cpuid) and
 * exits with main's return value through mach_exit. */
#define STACK_BIAS 2047
#define STACK_PER_STRAND 0x8000
  .register %g2, #scratch
  .register %g3, #scratch
  .section ".text.start", "ax"
  .global _start
_start:
  /* a sane window state: 8 windows, none in use */
  wrpr %g0, 0, %canrestore
  wrpr %g0, 6, %cansave
  wrpr %g0, 0, %otherwin
  wrpr %g0, 7, %cleanwin
  setx __stack_top, %g1, %g2
  sllx %o0, 15, %g3               /* cpuid * STACK_PER_STRAND */
  sub %g2, %g3, %g2
  sub %g2, 176 + STACK_BIAS, %sp
  mov 0, %fp
  call main
   nop
  mov 0, %o5                      /* mach_exit(%o0) */
  ta 0x80
1: ba,a 1b
  .section .note.GNU-stack,"",@progbits

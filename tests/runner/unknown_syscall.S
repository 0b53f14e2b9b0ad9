/* Calls a system call the runner does not implement (getitimer, 86 on sparc64), prints
 * whether it failed with ENOSYS (90) and exits with the errno it saw. */
  .text
  .global _start
_start:
  mov 0, %o0
  mov 0, %o1
  mov 86, %g1
  ta 0x6d
  bcs,a,pt %xcc, 1f      /* carry set: error, %o0 = errno */
   mov %o0, %l0
  mov 0, %l0
1:
  mov %l0, %o0
  mov 1, %g1
  ta 0x6d

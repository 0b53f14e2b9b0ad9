/* Executes an illegal instruction after printing a line: the runner must report SIGILL
 * with the PC and the instruction word, and exit 132. */
  .section .rodata
msg: .ascii "before the illegal instruction\n"
  .text
  .global _start
_start:
  mov 1, %o0
  sethi %hi(msg), %o1
  or %o1, %lo(msg), %o1
  mov 31, %o2
  mov 4, %g1            /* write */
  ta 0x6d
  illtrap 0x1234
  mov 0, %o0
  mov 1, %g1
  ta 0x6d

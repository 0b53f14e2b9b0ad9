/* Multiply/divide: umul smul umulcc smulcc (rd and %y), udiv sdiv udivcc sdivcc with %y
 * set by wr %y, mulx udivx sdivx, and a 32-step mulscc multiply loop. */
#include "asm_common.h"

  .section .rodata
  .align 8
pairs:
  .xword 3, 1
  .xword 1, 1
  .xword 7, 3
  .xword 0xffffffff, 0xffffffff
  .xword 0x80000000, 0xffffffff
  .xword 0x7fffffff, 0x7fffffff
  .xword 0x12345678, 0x9abcdef0
  .xword 0xfffffffffffffff9, 3
  .xword 0x8000000000000000, 0xffffffffffffffff
  .xword 0x123456789abcdef0, 0x10
  .xword 0xdeadbeefcafebabe, 0x00000001ffffffff
  .xword 100, 0xfffffffffffffff6
  .xword 0x7fffffffffffffff, 2
  .xword 65536, 65536
pairs_end:

  MAIN_BEGIN(192)
  SETADDR(pairs, %l6)
  SETADDR(pairs_end, %l7)
loop:
  ldx [%l6], %l0
  ldx [%l6 + 8], %l1

  umul %l0, %l1, %l2
  rd %y, %l3
  REC("umul", %l2)
  REC("umul y", %l3)
  smul %l0, %l1, %l2
  rd %y, %l3
  REC("smul", %l2)
  REC("smul y", %l3)
  umulcc %l0, %l1, %l2
  REC_CCR("umulcc ccr")
  smulcc %l0, %l1, %l2
  REC_CCR("smulcc ccr")
  mulx %l0, %l1, %l2
  REC("mulx", %l2)

  ! 32-bit divides with %y = 0, then %y = 1, then %y = sign extension of rs1
  wr %g0, 0, %y
  nop
  nop
  nop
  udiv %l0, %l1, %l2
  REC("udiv y=0", %l2)
  sdiv %l0, %l1, %l2
  REC("sdiv y=0", %l2)
  udivcc %l0, %l1, %l2
  REC_CCR("udivcc y=0 ccr")
  sdivcc %l0, %l1, %l2
  REC_CCR("sdivcc y=0 ccr")
  wr %g0, 1, %y
  nop
  nop
  nop
  udiv %l0, %l1, %l2
  REC("udiv y=1", %l2)
  udivcc %l0, %l1, %l2
  REC_CCR("udivcc y=1 ccr")
  sra %l0, 31, %l3               ! sign of the low word -> y
  wr %l3, 0, %y
  nop
  nop
  nop
  sdiv %l0, %l1, %l2
  REC("sdiv y=sign", %l2)
  sdivcc %l0, %l1, %l2
  REC_CCR("sdivcc y=sign ccr")

  udivx %l0, %l1, %l2
  REC("udivx", %l2)
  sdivx %l0, %l1, %l2
  REC("sdivx", %l2)
  sdivx %l1, %l0, %l2           ! l0 may be 0 only in the first pair; guard below
  REC("sdivx rev", %l2)

  ! 32x32 multiply with 32 mulscc steps (unsigned multiplier in %y)
  wr %l1, 0, %y
  nop
  nop
  nop
  andcc %g0, %g0, %l4
  .rept 32
  mulscc %l4, %l0, %l4
  .endr
  mulscc %l4, %g0, %l4
  rd %y, %l5
  REC("mulscc hi", %l4)
  REC("mulscc y", %l5)
  REC_CCR("mulscc ccr")

  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, loop
   nop

  ! immediate forms
  mov 1000, %l0
  umul %l0, -3, %l2
  rd %y, %l3
  REC("umul imm -3", %l2)
  REC("umul imm y", %l3)
  mulx %l0, -3, %l2
  REC("mulx imm -3", %l2)
  sdivx %l0, -7, %l2
  REC("sdivx imm -7", %l2)
  udivx %l0, 7, %l2
  REC("udivx imm 7", %l2)
  wr %g0, 0x123, %y
  rd %y, %l2
  REC("wr/rd y", %l2)

  MAIN_END

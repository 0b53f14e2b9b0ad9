/* Integer condition codes: addcc subcc addxcc subxcc (carry in 0/1) taddcc tsubcc andcc
 * orcc xorcc andncc orncc xnorcc, and rd %ccr after each; also wr %ccr and addc/subc. */
#include "asm_common.h"

  .section .rodata
  .align 8
pairs:
  .xword 0, 0
  .xword 1, 1
  .xword 0x7fffffff, 1
  .xword 0xffffffff, 1
  .xword 0x80000000, 0x80000000
  .xword 0x7fffffffffffffff, 1
  .xword 0x8000000000000000, 0xffffffffffffffff
  .xword 0xffffffffffffffff, 0xffffffffffffffff
  .xword 0x0000000100000000, 0x00000000ffffffff
  .xword 5, 7
  .xword 0x123456789abcdef0, 0x0fedcba987654321
  .xword 0x80000000, 1
  .xword 0, 1
  .xword 4, 8
  .xword 6, 8
  .xword 0x3ffffffc, 4
  .xword 0xfffffffc, 0xfffffffc
  .xword 0x7ffffffc, 0x7ffffffc
pairs_end:

  MAIN_BEGIN(192)
  SETADDR(pairs, %l6)
  SETADDR(pairs_end, %l7)
loop:
  ldx [%l6], %l0
  ldx [%l6 + 8], %l1

  addcc %l0, %l1, %l2
  REC_CCR("addcc ccr")
  REC("addcc", %l2)
  subcc %l0, %l1, %l2
  REC_CCR("subcc ccr")
  REC("subcc", %l2)
  subcc %l1, %l0, %l2
  REC_CCR("subcc rev ccr")

  wr %g0, 0, %ccr
  addxcc %l0, %l1, %l2
  REC_CCR("addxcc c=0 ccr")
  REC("addxcc c=0", %l2)
  wr %g0, 0x11, %ccr
  addxcc %l0, %l1, %l2
  REC_CCR("addxcc c=1 ccr")
  REC("addxcc c=1", %l2)
  wr %g0, 0x01, %ccr
  subxcc %l0, %l1, %l2
  REC_CCR("subxcc c=1 ccr")
  REC("subxcc c=1", %l2)
  wr %g0, 0x10, %ccr            ! xcc.C only: addc/subc use icc.C
  addc %l0, %l1, %l2
  REC("addc xcc.c=1", %l2)
  wr %g0, 0x01, %ccr
  subc %l0, %l1, %l2
  REC("subc icc.c=1", %l2)

  taddcc %l0, %l1, %l2
  REC_CCR("taddcc ccr")
  REC("taddcc", %l2)
  tsubcc %l0, %l1, %l2
  REC_CCR("tsubcc ccr")
  REC("tsubcc", %l2)

  andcc %l0, %l1, %l2
  REC_CCR("andcc ccr")
  orcc %l0, %l1, %l2
  REC_CCR("orcc ccr")
  xorcc %l0, %l1, %l2
  REC_CCR("xorcc ccr")
  andncc %l0, %l1, %l2
  REC_CCR("andncc ccr")
  REC("andncc", %l2)
  orncc %l0, %l1, %l2
  REC_CCR("orncc ccr")
  REC("orncc", %l2)
  xnorcc %l0, %l1, %l2
  REC_CCR("xnorcc ccr")
  REC("xnorcc", %l2)
  addcc %l0, -1, %l2
  REC_CCR("addcc -1 ccr")
  subcc %l0, 4095, %l2
  REC_CCR("subcc imm ccr")

  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, loop
   nop

  ! wr %ccr is an xor of its operands; read it back
  wr %g0, 0xff, %ccr
  REC_CCR("wr ccr 0xff")
  mov 0x5a, %l0
  wr %l0, 0x0f, %ccr
  REC_CCR("wr ccr 0x5a^0x0f")
  ! cmp/tst/btst aliases
  mov -5, %l0
  tst %l0
  REC_CCR("tst -5")
  btst 4, %l0
  REC_CCR("btst 4,-5")
  cmp %l0, -5
  REC_CCR("cmp -5,-5")
  ! a carry chain: 128-bit add in 32-bit pieces with addxcc
  set 0xffffffff, %l0
  addcc %l0, 1, %l1
  addxcc %g0, 0, %l2
  addxcc %g0, 0, %l3
  REC("carry chain lo", %l1)
  REC("carry chain mid", %l2)
  REC("carry chain hi", %l3)

  MAIN_END

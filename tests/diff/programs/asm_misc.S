/* Miscellaneous: popc, sethi/or/setx constants, 32- vs 64-bit shifts, call/jmpl/ret/retl/
 * return, save/restore with operands, nested register windows far beyond the 8 hardware
 * windows (spill/fill), flushw followed by modifying the spilled caller window in memory,
 * rd %pc, rd/wr %y %asi %gsr. */
#include "asm_common.h"

  .section .rodata
  .align 8
vals:
  .xword 0, 1, 0xff, 0x8000000000000000, 0xffffffffffffffff, 0x5555555555555555
  .xword 0x0123456789abcdef, 0x00000000ffffffff, 0xfffffffe00000001, 0x7fffffff
vals_end:

  .section .data
  .align 8
bad_count: .xword 0

  .text
  .align 4

/* leaf functions called through call and jmpl */
leaf_add:                    ! %o0 + %o1
  retl
   add %o0, %o1, %o0
leaf_mul:
  retl
   mulx %o0, %o1, %o0
leaf_o7:                     ! returns its own return address register
  retl
   mov %o7, %o0

/* deep(n, acc): recursive, keeps 8 locals live across the call and verifies them after */
  .type deep, #function
deep:
  save %sp, -176, %sp
  mulx %i0, 3, %l0
  add %i0, 100, %l1
  xor %i1, %i0, %l2
  sllx %i0, 7, %l3
  sub %g0, %i0, %l4
  or %i1, 1, %l5
  add %i1, %i0, %l6
  srlx %i1, 3, %l7
  brz,pn %i0, 1f
   sub %i0, 1, %o0
  add %i1, %l0, %o1
  call deep
   nop
  ! verify everything survived the spill/fill
  mov 0, %g1
  mulx %i0, 3, %g2
  cmp %g2, %l0
  movne %xcc, 1, %g1
  add %i0, 100, %g2
  cmp %g2, %l1
  movne %xcc, 1, %g1
  xor %i1, %i0, %g2
  cmp %g2, %l2
  movne %xcc, 1, %g1
  sllx %i0, 7, %g2
  cmp %g2, %l3
  movne %xcc, 1, %g1
  sub %g0, %i0, %g2
  cmp %g2, %l4
  movne %xcc, 1, %g1
  or %i1, 1, %g2
  cmp %g2, %l5
  movne %xcc, 1, %g1
  add %i1, %i0, %g2
  cmp %g2, %l6
  movne %xcc, 1, %g1
  srlx %i1, 3, %g2
  cmp %g2, %l7
  movne %xcc, 1, %g1
  sethi %hi(bad_count), %g2
  ldx [%g2 + %lo(bad_count)], %g3
  add %g3, %g1, %g3
  stx %g3, [%g2 + %lo(bad_count)]
  mulx %o0, 33, %o0
  add %o0, %l0, %o0
  xor %o0, %l7, %i0
  ret
   restore
1:
  ret
   restore %i1, %l3, %o0         ! restore as an add: caller's %o0 = %i1 + %l3

/* flushw test: the callee flushes the windows and overwrites the caller's saved %l0/%l1 in
 * the caller's register save area; after restore the caller must see the new values */
  .type fl_inner, #function
fl_inner:
  save %sp, -176, %sp
  flushw
  set 0x7777, %g1
  stx %g1, [%fp + BIAS + 0]       ! caller's %l0
  set 0x8888, %g1
  stx %g1, [%fp + BIAS + 8]       ! caller's %l1
  ret
   restore

/* return instruction: restore + jump; delay slot runs in the caller's window */
  .type ret_test, #function
ret_test:
  save %sp, -176, %sp
  add %i0, 1000, %i0
  return %i7 + 8
   add %o0, 1, %o0                ! %o0 here is the caller's %o0 (= our %i0)

  MAIN_BEGIN(192)
  SETADDR(vals, %l6)
  SETADDR(vals_end, %l7)
1:
  ldx [%l6], %l0
  popc %l0, %l1
  REC("popc", %l1)
  mov 13, %l2
  sll %l0, %l2, %l1
  REC("sll 13", %l1)
  srl %l0, %l2, %l1
  REC("srl 13", %l1)
  sra %l0, %l2, %l1
  REC("sra 13", %l1)
  sll %l0, 31, %l1
  REC("sll 31", %l1)
  sra %l0, 0, %l1
  REC("sra 0 (sign-extend)", %l1)
  srl %l0, 0, %l1
  REC("srl 0 (zero-extend)", %l1)
  sllx %l0, 63, %l1
  REC("sllx 63", %l1)
  srax %l0, 33, %l1
  REC("srax 33", %l1)
  srlx %l0, 1, %l1
  REC("srlx 1", %l1)
  mov 70, %l2                      ! shift counts use only the low 6 bits (70 & 63 = 6)
  sllx %l0, %l2, %l1
  REC("sllx reg 70", %l1)
  mov 35, %l2                      ! 32-bit shifts use only the low 5 bits
  srl %l0, %l2, %l1
  REC("srl reg 35", %l1)
  add %l6, 8, %l6
  cmp %l6, %l7
  blu,pt %xcc, 1b
   nop
  popc 0x3ff, %l1
  REC("popc imm", %l1)
  popc -1, %l1
  REC("popc imm -1", %l1)

  ! constants
  sethi %hi(0xdeadbeef), %l1
  REC("sethi hi", %l1)
  or %l1, %lo(0xdeadbeef), %l1
  REC("sethi|or", %l1)
  sethi 0x3fffff, %l1
  REC("sethi max", %l1)
  setx 0xfedcba9876543210, %l2, %l1
  REC("setx", %l1)
  mov -4096, %l1
  REC("simm13 min", %l1)
  mov 4095, %l1
  REC("simm13 max", %l1)
  xnor %g0, 0, %l1
  REC("xnor g0", %l1)

  ! rd %pc must equal the address of the instruction
2:
  rd %pc, %l1
  set 2b, %l2
  sub %l1, %l2, %l1
  REC("rd pc - label", %l1)
  ! call/jmpl
  mov 20, %o0
  call leaf_add
   mov 22, %o1
  REC("call leaf_add", %o0)
  set leaf_mul, %l3
  mov 6, %o0
  jmpl %l3, %o7
   mov 7, %o1
  REC("jmpl leaf_mul", %o0)
3:
  call leaf_o7
   nop
  set 3b, %l2
  sub %o0, %l2, %o0
  REC("o7 - call site", %o0)
  set leaf_o7, %l3
4:
  jmpl %l3 + 0, %o7
   nop
  set 4b, %l2
  sub %o0, %l2, %o0
  REC("jmpl o7 - site", %o0)
  ! jmpl without link (computed jump) through a small table
  set 5f, %l3
  mov 0, %l1
  jmpl %l3 + 8, %g0
   add %l1, 1, %l1
5:
  add %l1, 10, %l1
  add %l1, 100, %l1
  REC("computed jmpl", %l1)

  ! windows: depth 3, 20, 100
  sethi %hi(bad_count), %g1
  stx %g0, [%g1 + %lo(bad_count)]
  mov 3, %o0
  call deep
   mov 5, %o1
  REC("deep(3)", %o0)
  mov 20, %o0
  call deep
   mov 5, %o1
  REC("deep(20)", %o0)
  mov 100, %o0
  call deep
   mov 7, %o1
  REC("deep(100)", %o0)
  sethi %hi(bad_count), %g1
  ldx [%g1 + %lo(bad_count)], %l1
  REC("deep bad locals", %l1)

  ! flushw + modified save area
  set 0x1111, %l0
  set 0x2222, %l1
  call fl_inner
   nop
  REC("l0 after flushw test", %l0)
  REC("l1 after flushw test", %l1)
  ! and again one level deeper so several windows are flushed
  mov 8, %o0
  call deep
   mov 9, %o1
  set 0x3333, %l0
  call fl_inner
   nop
  REC("l0 after 2nd flushw", %l0)

  ! return instruction
  mov 5, %o0
  call ret_test
   nop
  REC("return delay slot", %o0)

  ! special registers
  wr %g0, 0x55, %y
  rd %y, %l1
  REC("y", %l1)
  wr %g0, 0x82, %asi
  rd %asi, %l1
  REC("asi", %l1)
  wr %g0, 0x80, %asi
  setx 0x0000000300000045, %l2, %l3
  /* %gsr needs -Av9a; encode by hand so every variant (-mcpu=v9 too) assembles */
  .word 0xa784e000                 ! wr %l3, 0, %gsr
  .word 0xa344c000                 ! rd %gsr, %l1
  REC("gsr", %l1)
  .word 0xa7802000                 ! wr %g0, 0, %gsr

  MAIN_END

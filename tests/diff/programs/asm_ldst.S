/* Loads and stores of every width: ldsb ldub ldsh lduh ldsw lduw ldx (at every aligned
 * offset of a pattern with high bits set), stb sth stw stx, ldd/std, register+register and
 * register+immediate addressing, alternate-space forms with %asi = 0x80 (primary) and 0x88
 * (primary little-endian) and with immediate ASI, FP loads/stores (ld/ldd/st/std, ldfa/lddfa
 * with 0x88), ldx/stx %fsr-free, and prefetch. */
#include "asm_common.h"

  .section .data
  .align 16
pat:
  .byte 0x80, 0x7f, 0xff, 0x01, 0xfe, 0x02, 0x81, 0x00
  .byte 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0
  .byte 0xa5, 0x5a, 0xc3, 0x3c, 0x96, 0x69, 0x0f, 0xf0
  .byte 0xde, 0xad, 0xbe, 0xef, 0xca, 0xfe, 0xba, 0xbe
buf:
  .skip 64

  MAIN_BEGIN(192)
  SETADDR(pat, %l0)
  SETADDR(buf, %l1)

  ! byte loads at every offset 0..31
  mov 0, %l2
1:
  ldsb [%l0 + %l2], %l3
  ldub [%l0 + %l2], %l4
  sllx %l3, 8, %l3
  xor %l3, %l4, %l3
  REC("ldsb<<8 ^ ldub", %l3)
  add %l2, 1, %l2
  cmp %l2, 32
  bl,pt %icc, 1b
   nop
  ! halfword loads at every even offset
  mov 0, %l2
2:
  ldsh [%l0 + %l2], %l3
  lduh [%l0 + %l2], %l4
  REC("ldsh", %l3)
  REC("lduh", %l4)
  add %l2, 2, %l2
  cmp %l2, 32
  bl,pt %icc, 2b
   nop
  ! word loads at every 4-aligned offset
  mov 0, %l2
3:
  ldsw [%l0 + %l2], %l3
  lduw [%l0 + %l2], %l4
  REC("ldsw", %l3)
  REC("lduw", %l4)
  add %l2, 4, %l2
  cmp %l2, 32
  bl,pt %icc, 3b
   nop
  ! immediate offsets and ldx
  ldx [%l0 + 0], %l3
  REC("ldx +0", %l3)
  ldx [%l0 + 8], %l3
  REC("ldx +8", %l3)
  add %l0, 32, %l5
  ldx [%l5 - 8], %l3
  REC("ldx -8", %l3)
  ld [%l0 + 4], %l3                 ! ld == lduw in V9
  REC("ld", %l3)
  ! ldd: two words into an even/odd register pair, zero-extended
  ldd [%l0 + 8], %l2
  REC("ldd even", %l2)
  REC("ldd odd", %l3)
  ldd [%l0 + 16], %o2
  REC("ldd o2", %o2)
  REC("ldd o3", %o3)

  ! stores of each width into buf, then read back as xwords
  setx 0x0102030405060708, %l6, %l3
  stx %g0, [%l1]
  stx %g0, [%l1 + 8]
  stx %g0, [%l1 + 16]
  stx %g0, [%l1 + 24]
  stb %l3, [%l1 + 0]
  stb %l3, [%l1 + 3]
  sth %l3, [%l1 + 6]
  stw %l3, [%l1 + 12]
  stx %l3, [%l1 + 16]
  mov -2, %l4
  sth %l4, [%l1 + 8]
  stb %l4, [%l1 + 11]
  ldx [%l1], %l2
  REC("stores xword0", %l2)
  ldx [%l1 + 8], %l2
  REC("stores xword1", %l2)
  ldx [%l1 + 16], %l2
  REC("stores xword2", %l2)
  ! std from a register pair (only low 32 bits of each are stored)
  setx 0xffffffff11223344, %l6, %l4
  setx 0xeeeeeeee55667788, %l6, %l5
  std %l4, [%l1 + 24]
  ldx [%l1 + 24], %l2
  REC("std pair", %l2)
  ! reg+reg addressing for stores
  mov 40, %l6
  stx %l3, [%l1 + %l6]
  mov 44, %l6
  stw %g0, [%l1 + %l6]
  ldx [%l1 + 40], %l2
  REC("stx/stw reg+reg", %l2)

  ! alternate space via %asi
  wr %g0, 0x80, %asi
  lduwa [%l0 + 8] %asi, %l2
  REC("lduwa asi=80", %l2)
  ldxa [%l0 + 8] %asi, %l2
  REC("ldxa asi=80", %l2)
  wr %g0, 0x88, %asi
  lduwa [%l0 + 8] %asi, %l2
  REC("lduwa asi=88", %l2)
  ldswa [%l0 + 12] %asi, %l2
  REC("ldswa asi=88", %l2)
  lduha [%l0 + 10] %asi, %l2
  REC("lduha asi=88", %l2)
  ldsha [%l0 + 12] %asi, %l2
  REC("ldsha asi=88", %l2)
  ldsba [%l0 + 12] %asi, %l2
  REC("ldsba asi=88", %l2)
  ldxa [%l0 + 8] %asi, %l2
  REC("ldxa asi=88", %l2)
  ldxa [%l0 + 24] %asi, %l2
  REC("ldxa asi=88 +24", %l2)
  ! immediate ASI forms (address must be reg+reg)
  mov 8, %l6
  lduwa [%l0 + %l6] 0x88, %l2
  REC("lduwa imm 0x88", %l2)
  lduwa [%l0 + %l6] 0x80, %l2
  REC("lduwa imm 0x80", %l2)
  ldxa [%l0] 0x88, %l2
  REC("ldxa imm 0x88", %l2)
  lduba [%l0] 0x88, %l2
  REC("lduba imm 0x88", %l2)
  mov 2, %l6
  lduha [%l0 + %l6] 0x88, %l2
  REC("lduha imm 0x88", %l2)
  ! little-endian stores, read back big-endian
  setx 0x1122334455667788, %l6, %l3
  stxa %l3, [%l1] 0x88
  ldx [%l1], %l2
  REC("stxa 0x88", %l2)
  stwa %l3, [%l1 + %g0] 0x88
  ldx [%l1], %l2
  REC("stwa 0x88", %l2)
  mov 6, %l6
  stha %l3, [%l1 + %l6] 0x88
  ldx [%l1], %l2
  REC("stha 0x88", %l2)
  wr %g0, 0x88, %asi
  stba %l3, [%l1 + 5] %asi
  stha %l3, [%l1 + 8] %asi
  stwa %l3, [%l1 + 12] %asi
  ldx [%l1], %l2
  REC("stba asi 0x88", %l2)
  ldx [%l1 + 8], %l2
  REC("stha/stwa asi 0x88", %l2)
  wr %g0, 0x80, %asi
  stxa %l3, [%l1 + 16] %asi
  ldx [%l1 + 16], %l2
  REC("stxa asi 0x80", %l2)

  ! floating-point loads and stores
  ld [%l0 + 8], %f1
  st %f1, [%l1 + 32]
  ldd [%l0 + 16], %f2
  std %f2, [%l1 + 40]
  ldx [%l1 + 32], %l2
  REC("ld/st f", %l2)
  ldx [%l1 + 40], %l2
  REC("ldd/std f", %l2)
  mov 8, %l6
  lda [%l0 + %l6] 0x88, %f3
  st %f3, [%l1 + 32]
  mov 24, %l6
  ldda [%l0 + %l6] 0x88, %f4
  std %f4, [%l1 + 40]
  ldx [%l1 + 32], %l2
  REC("lda 0x88 f", %l2)
  ldx [%l1 + 40], %l2
  REC("ldda 0x88 f", %l2)
  stda %f4, [%l1 + %g0] 0x88
  ldx [%l1], %l2
  REC("stda 0x88 f", %l2)
  ldd [%l0 + 0], %f32              ! upper FP bank
  std %f32, [%l1 + 48]
  ldx [%l1 + 48], %l2
  REC("ldd/std f32", %l2)
  ! prefetch must not fault or change anything
  prefetch [%l0], 0
  prefetch [%l0 + 16], 2
  prefetch [%l0 + 8], 20
  ldx [%l0], %l2
  REC("after prefetch", %l2)

  MAIN_END

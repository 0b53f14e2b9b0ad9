/* UltraSPARC T1/T2 alternate spaces used by Niagara-optimised libc routines:
 * twin-doubleword loads ldda ASI 0xe2/0xea (ASI_TWINX_P/PL, a.k.a. BLK_INIT_QUAD_LDD) into an
 * even/odd integer pair, block-initialising stores stxa 0xe2/0xea covering whole 64-byte
 * lines, 64-byte block loads/stores ldda/stda ASI 0xf0/0xf8 (ASI_BLK_P/PL) through
 * %f0-%f14, and short FP loads/stores ASI 0xd0/0xd2 (FL8/FL16). The oracle runs qemu with
 * -cpu "Sun UltraSparc T2", which is needed for the twin loads. Partial stores (ASI 0xc0-0xc5)
 * are not tested: qemu 7.2 raises SIGILL for them. */
#include "asm_common.h"

  .section .data
  .align 64
src:
  .xword 0x0001020304050607, 0x08090a0b0c0d0e0f, 0x1011121314151617, 0x18191a1b1c1d1e1f
  .xword 0x2021222324252627, 0x28292a2b2c2d2e2f, 0x3031323334353637, 0x38393a3b3c3d3e3f
  .xword 0x8081828384858687, 0x88898a8b8c8d8e8f, 0x9091929394959697, 0x98999a9b9c9d9e9f
  .xword 0xa0a1a2a3a4a5a6a7, 0xa8a9aaabacadaeaf, 0xb0b1b2b3b4b5b6b7, 0xb8b9babbbcbdbebf
  .align 64
dst:
  .skip 256

#define DUMPX(name, base, off) ldx [base + off], %l4 ; REC(name, %l4)

  MAIN_BEGIN(192)
  SETADDR(src, %l0)
  SETADDR(dst, %l1)

  ! twin loads
  ldda [%l0] 0xe2, %l2
  REC("ldda 0xe2 rd", %l2)
  REC("ldda 0xe2 rd+1", %l3)
  mov 16, %l6
  ldda [%l0 + %l6] 0xea, %l2
  REC("ldda 0xea rd", %l2)
  REC("ldda 0xea rd+1", %l3)
  wr %g0, 0xe2, %asi
  ldda [%l0 + 96] %asi, %o2
  REC("ldda %asi=0xe2 rd", %o2)
  REC("ldda %asi=0xe2 rd+1", %o3)

  ! block-initialising stores over two whole lines (big- and little-endian)
  mov 0, %l6
1:
  ldx [%l0 + %l6], %l4
  stxa %l4, [%l1 + %l6] 0xe2
  add %l6, 8, %l6
  cmp %l6, 64
  bl,pt %icc, 1b
   nop
  add %l1, 64, %l7
  mov 0, %l6
2:
  ldx [%l0 + %l6], %l4
  stxa %l4, [%l7 + %l6] 0xea
  add %l6, 8, %l6
  cmp %l6, 64
  bl,pt %icc, 2b
   nop
  membar #Sync
  mov 0, %l6
3:
  ldx [%l1 + %l6], %l4
  REC("blk-init line", %l4)
  add %l6, 8, %l6
  cmp %l6, 128
  bl,pt %icc, 3b
   nop

  ! 64-byte block load / store (big-endian then little-endian)
  add %l0, 64, %l5
  ldda [%l5] 0xf0, %f0
  membar #Sync
  add %l1, 128, %l7
  stda %f0, [%l7] 0xf0
  membar #Sync
  ldda [%l0] 0xf8, %f16
  membar #Sync
  add %l1, 192, %l7
  stda %f16, [%l7] 0xf0
  membar #Sync
  mov 128, %l6
4:
  ldx [%l1 + %l6], %l4
  REC("blk ld/st", %l4)
  add %l6, 8, %l6
  cmp %l6, 256
  bl,pt %icc, 4b
   nop
  std %f6, [%l1]
  DUMPX("f6 after blk ld", %l1, 0)
  std %f22, [%l1]
  DUMPX("f22 after blk ld LE", %l1, 0)

  ! short floating-point loads/stores
  mov 3, %l6
  ldda [%l0 + %l6] 0xd0, %f4       ! FL8_P: one byte, zero-extended into the double
  std %f4, [%l1]
  DUMPX("fl8 load", %l1, 0)
  mov 10, %l6
  ldda [%l0 + %l6] 0xd2, %f4       ! FL16_P
  std %f4, [%l1]
  DUMPX("fl16 load", %l1, 0)
  ldd [%l0 + 64], %f4
  stx %g0, [%l1 + 24]
  add %l1, 24, %l7
  mov 5, %l6
  stda %f4, [%l7 + %l6] 0xd0       ! FL8 store of the low byte
  mov 2, %l6
  stda %f4, [%l7 + %l6] 0xd2       ! FL16 store of the low half
  DUMPX("fl8/fl16 stores", %l1, 24)

  MAIN_END

/* Floating point instructions with exact result bits and the FSR (version field masked):
 * faddd fsubd fmuld fdivd fsqrtd fadds fmuls fdivs fsqrts fsmuld fnegd fabsd fmovd fstod
 * fdtos fitod fdtoi fxtod fdtox fcmpd fcmped, on normal, denormal, infinite, zero and NaN
 * operands (quiet and signalling), under each rounding mode set through ldx %fsr.
 * Not covered: one signalling and one quiet NaN operand. SPARC V9 (table B-1) returns the
 * quieted signalling NaN, qemu 7.2 returns the quiet one, so qemu cannot be the oracle. */
#include "asm_common.h"

  .section .rodata
  .align 8
dpairs:
  .xword 0x3ff0000000000000, 0x4008000000000000   ! 1, 3
  .xword 0x3fb999999999999a, 0x3fc999999999999a   ! 0.1, 0.2
  .xword 0x7fefffffffffffff, 0x7fefffffffffffff   ! max, max
  .xword 0x0010000000000000, 0x3fe0000000000000   ! min normal, 0.5
  .xword 0x0000000000000001, 0x4000000000000000   ! denormal min, 2
  .xword 0x8000000000000000, 0x0000000000000000   ! -0, +0
  .xword 0x7ff0000000000000, 0xfff0000000000000   ! inf, -inf
  .xword 0x7ff8000000000001, 0x3ff0000000000000   ! qNaN(payload 1), 1
  .xword 0x3ff0000000000000, 0x7ff4000000000000   ! 1, sNaN
  .xword 0x7ff8000000000006, 0xfff8000000000007   ! qNaN, -qNaN
  .xword 0xfff4000000000008, 0x7ff4000000000009   ! -sNaN, sNaN
  .xword 0xc01c000000000000, 0x4341c37937e08000   ! -7, 1e16
  .xword 0x4330000000000001, 0xbff8000000000000   ! 2^52+1, -1.5
dpairs_end:
  .align 8
spairs:
  .word 0x3f800000, 0x40400000                    ! 1, 3
  .word 0x7f7fffff, 0x40000000                    ! max, 2
  .word 0x00000001, 0x3f000000                    ! denormal, 0.5
  .word 0x7fc00001, 0x3f800000                    ! qNaN, 1
  .word 0xbf800000, 0x00000000                    ! -1, 0
  .word 0x7fa00000, 0x3f800000                    ! sNaN, 1
spairs_end:
  .align 8
rmodes:
  .xword 0x00000000, 0x40000000, 0x80000000, 0xc0000000   ! RD = nearest, zero, +inf, -inf

  .section .data
  .align 8
fsrbuf: .xword 0
tmp:    .xword 0, 0

/* clear FSR except the rounding mode in %l5 */
#define CLRFSR stx %l5, [%l7] ; ldx [%l7], %fsr
/* record result bits of double %f2 and the FSR */
#define RD2(name) std %f2, [%l7 + 8] ; ldx [%l7 + 8], %l2 ; REC(name, %l2) ; \
  stx %fsr, [%l7] ; ldx [%l7], %l2 ; and %l2, %l4, %l2 ; REC(name " fsr", %l2)
#define RS3(name) st %f3, [%l7 + 8] ; lduw [%l7 + 8], %l2 ; REC(name, %l2) ; \
  stx %fsr, [%l7] ; ldx [%l7], %l2 ; and %l2, %l4, %l2 ; REC(name " fsr", %l2)

  MAIN_BEGIN(192)
  SETADDR(fsrbuf, %l7)
  setx 0xfffffffffff1ffff, %l2, %l4   ! mask out FSR.ver (bits 19:17)
  SETADDR(rmodes, %o4)
  mov 0, %o5                      ! rounding mode index
rmode_loop:
  sllx %o5, 3, %l2
  ldx [%o4 + %l2], %l5
  SETADDR(dpairs, %l6)
  SETADDR(dpairs_end, %l3)
1:
  ldd [%l6], %f4
  ldd [%l6 + 8], %f6
  CLRFSR
  faddd %f4, %f6, %f2
  RD2("faddd")
  CLRFSR
  fsubd %f4, %f6, %f2
  RD2("fsubd")
  CLRFSR
  fmuld %f4, %f6, %f2
  RD2("fmuld")
  CLRFSR
  fdivd %f4, %f6, %f2
  RD2("fdivd")
  CLRFSR
  fsqrtd %f4, %f2
  RD2("fsqrtd")
  CLRFSR
  fcmpd %fcc0, %f4, %f6
  fcmped %fcc2, %f6, %f4
  stx %fsr, [%l7]
  ldx [%l7], %l2
  and %l2, %l4, %l2
  REC("fcmpd/fcmped fsr", %l2)
  CLRFSR
  fdtox %f4, %f2
  RD2("fdtox")
  CLRFSR
  fdtoi %f4, %f3
  RS3("fdtoi")
  CLRFSR
  fdtos %f4, %f3
  RS3("fdtos")
  CLRFSR
  fxtod %f6, %f2
  RD2("fxtod")
  fnegd %f4, %f2
  fabsd %f2, %f8
  fmovd %f8, %f2
  RD2("fnegd/fabsd")
  add %l6, 16, %l6
  cmp %l6, %l3
  blu,pt %xcc, 1b
   nop
  ! single precision
  SETADDR(spairs, %l6)
  SETADDR(spairs_end, %l3)
2:
  ld [%l6], %f9
  ld [%l6 + 4], %f11
  CLRFSR
  fadds %f9, %f11, %f3
  RS3("fadds")
  CLRFSR
  fmuls %f9, %f11, %f3
  RS3("fmuls")
  CLRFSR
  fdivs %f9, %f11, %f3
  RS3("fdivs")
  CLRFSR
  fsqrts %f9, %f3
  RS3("fsqrts")
  CLRFSR
  fsmuld %f9, %f11, %f2
  RD2("fsmuld")
  CLRFSR
  fstod %f11, %f2                 ! %f11 is never a signalling NaN: qemu 7.2 does not raise
  RD2("fstod")                    ! NV for fstod(sNaN) (no exception check on fstod)
  CLRFSR
  fitod %f9, %f2
  RD2("fitod")
  CLRFSR
  fcmpes %fcc1, %f9, %f11
  stx %fsr, [%l7]
  ldx [%l7], %l2
  and %l2, %l4, %l2
  REC("fcmpes fsr", %l2)
  add %l6, 8, %l6
  cmp %l6, %l3
  blu,pt %xcc, 2b
   nop
  add %o5, 1, %o5
  cmp %o5, 4
  bl,pt %icc, rmode_loop
   nop
  ! accumulated exceptions across several ops (aexc)
  mov 0, %l5
  CLRFSR
  SETADDR(dpairs, %l6)
  ldd [%l6], %f4                  ! 1
  ldd [%l6 + 8], %f6              ! 3
  fdivd %f4, %f6, %f2             ! inexact
  ldd [%l6 + 32], %f4             ! max
  faddd %f4, %f4, %f2             ! overflow
  fsubd %f4, %f4, %f2             ! exact: cexc cleared, aexc kept
  RD2("aexc accumulation")
  ! load/store FSR round trip incl. fcc1-3
  setx 0x0000002a00000c00, %l2, %l5
  stx %l5, [%l7]
  ldx [%l7], %fsr
  stx %fsr, [%l7]
  ldx [%l7], %l2
  and %l2, %l4, %l2
  REC("fsr roundtrip", %l2)
  st %fsr, [%l7]                 ! 32-bit store of the low half
  lduw [%l7], %l2
  setx 0x00000000fff1ffff, %l3, %l1
  and %l2, %l1, %l2
  REC("st fsr", %l2)
  stx %g0, [%l7]
  ldx [%l7], %fsr

  MAIN_END

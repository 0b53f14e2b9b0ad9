/* Conditional moves: movcc on %icc/%xcc for all 16 conditions, movr on all 6 register
 * conditions, movfcc on %fcc0-%fcc3, fmovd/fmovs on icc/xcc/fcc, fmovr{s,d}. Each group
 * builds a bit mask (one bit per condition) that is recorded. */
#include "asm_common.h"

/* shift the mask left and OR in 1 if the condition holds (movCOND into %l4) */
#define MOVBIT(cond, ccreg)  mov 0, %l4 ; mov##cond ccreg, 1, %l4 ; sllx %l3, 1, %l3 ; or %l3, %l4, %l3
#define ALLICC(R) \
  MOVBIT(a, R) ; MOVBIT(n, R) ; MOVBIT(ne, R) ; MOVBIT(e, R) ; MOVBIT(g, R) ; MOVBIT(le, R) ; \
  MOVBIT(ge, R) ; MOVBIT(l, R) ; MOVBIT(gu, R) ; MOVBIT(leu, R) ; MOVBIT(cc, R) ; MOVBIT(cs, R) ; \
  MOVBIT(pos, R) ; MOVBIT(neg, R) ; MOVBIT(vc, R) ; MOVBIT(vs, R)
#define ALLFCC(R) \
  MOVBIT(a, R) ; MOVBIT(n, R) ; MOVBIT(u, R) ; MOVBIT(g, R) ; MOVBIT(ug, R) ; MOVBIT(l, R) ; \
  MOVBIT(ul, R) ; MOVBIT(lg, R) ; MOVBIT(ne, R) ; MOVBIT(e, R) ; MOVBIT(ue, R) ; MOVBIT(ge, R) ; \
  MOVBIT(uge, R) ; MOVBIT(le, R) ; MOVBIT(ule, R) ; MOVBIT(o, R)
#define MOVRBIT(cond, reg) mov 0, %l4 ; movr##cond reg, 1, %l4 ; sllx %l3, 1, %l3 ; or %l3, %l4, %l3
/* registers: %f4 = 1.0 (double), %f6 = 0.0 (double), %f2 = double destination,
 * %f9 = 2.0f, %f11 = 0.0f, %f13 = single destination. 1.0 >> 61 == 1 and 2.0f >> 30 == 1. */
#define FMOVDBIT(cond, ccreg) fmovd %f6, %f2 ; fmovd##cond ccreg, %f4, %f2 ; std %f2, [%sp + BIAS + 128] ; \
  ldx [%sp + BIAS + 128], %l4 ; srlx %l4, 61, %l4 ; sllx %l3, 1, %l3 ; or %l3, %l4, %l3
#define FMOVSBIT(cond, ccreg) fmovs %f11, %f13 ; fmovs##cond ccreg, %f9, %f13 ; st %f13, [%sp + BIAS + 128] ; \
  lduw [%sp + BIAS + 128], %l4 ; srl %l4, 30, %l4 ; sllx %l3, 1, %l3 ; or %l3, %l4, %l3

  .section .rodata
  .align 8
pairs:
  .xword 0, 0
  .xword 1, 2
  .xword 2, 1
  .xword -1, 1
  .xword 1, -1
  .xword 0x7fffffff, -1
  .xword 0x80000000, 1
  .xword 0x100000000, 1
  .xword 0x8000000000000000, 1
  .xword 0x7fffffffffffffff, -1
  .xword 0xffffffff, 0xffffffff00000000
pairs_end:
  .align 8
dvals:
  .double 0.0, 0.0
  .double 1.0, 2.0
  .double 2.0, 1.0
  .double -0.0, 0.0
  .double -1.0, 1.0
  .double 1.0, 0.0   /* second replaced by NaN below */
  .double 1e308, 1e-308
dvals_end:
one_d: .double 1.0
one_s: .single 2.0
  .align 8
nan_d: .xword 0x7ff8000000000000

  MAIN_BEGIN(256)
  SETADDR(pairs, %l6)
  SETADDR(pairs_end, %l7)
1:
  ldx [%l6], %l0
  ldx [%l6 + 8], %l1
  cmp %l0, %l1
  mov 0, %l3
  ALLICC(%icc)
  ALLICC(%xcc)
  REC("movcc icc|xcc mask", %l3)
  ! same with subcc of reversed operands + fmovd/fmovs on icc/xcc
  sethi %hi(one_d), %l5
  ldd [%l5 + %lo(one_d)], %f4
  fsubd %f4, %f4, %f6            ! 0.0 (no VIS needed)
  cmp %l1, %l0
  mov 0, %l3
  FMOVDBIT(e, %icc) ; FMOVDBIT(ne, %icc) ; FMOVDBIT(l, %icc) ; FMOVDBIT(ge, %icc)
  FMOVDBIT(lu, %icc) ; FMOVDBIT(gu, %icc) ; FMOVDBIT(neg, %icc) ; FMOVDBIT(vs, %icc)
  FMOVDBIT(e, %xcc) ; FMOVDBIT(ne, %xcc) ; FMOVDBIT(l, %xcc) ; FMOVDBIT(ge, %xcc)
  FMOVDBIT(lu, %xcc) ; FMOVDBIT(gu, %xcc) ; FMOVDBIT(neg, %xcc) ; FMOVDBIT(vs, %xcc)
  REC("fmovd icc|xcc mask", %l3)
  ! movr on l0
  mov 0, %l3
  MOVRBIT(z, %l0) ; MOVRBIT(lez, %l0) ; MOVRBIT(lz, %l0) ; MOVRBIT(nz, %l0) ; MOVRBIT(gz, %l0) ; MOVRBIT(gez, %l0)
  MOVRBIT(z, %l1) ; MOVRBIT(lez, %l1) ; MOVRBIT(lz, %l1) ; MOVRBIT(nz, %l1) ; MOVRBIT(gz, %l1) ; MOVRBIT(gez, %l1)
  REC("movr mask", %l3)
  ! movr with register source
  mov 77, %l2
  mov 5, %l4
  movrnz %l0, %l2, %l4
  REC("movrnz reg", %l4)
  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, 1b
   nop

  ! floating-point condition codes
  SETADDR(dvals, %l6)
  SETADDR(dvals_end, %l7)
  sethi %hi(nan_d), %l5
  ldd [%l5 + %lo(nan_d)], %f20
  sethi %hi(one_d), %l5
  ldd [%l5 + %lo(one_d)], %f4
  fsubd %f4, %f4, %f6
  sethi %hi(one_s), %l5
  ld [%l5 + %lo(one_s)], %f9
  fsubs %f9, %f9, %f11
  mov 0, %l2                   ! pair index
2:
  ldd [%l6], %f16
  ldd [%l6 + 8], %f18
  cmp %l2, 5
  bne,pt %icc, 3f
   nop
  fmovd %f20, %f18             ! pair 5: compare against NaN
3:
  fcmpd %fcc0, %f16, %f18
  fcmpd %fcc1, %f18, %f16
  fcmpd %fcc2, %f16, %f16
  fcmpd %fcc3, %f18, %f18
  mov 0, %l3
  ALLFCC(%fcc0)
  ALLFCC(%fcc1)
  ALLFCC(%fcc2)
  ALLFCC(%fcc3)
  REC("movfcc fcc0-3 mask", %l3)
  mov 0, %l3
  FMOVDBIT(u, %fcc0) ; FMOVDBIT(g, %fcc0) ; FMOVDBIT(l, %fcc0) ; FMOVDBIT(e, %fcc0)
  FMOVDBIT(ule, %fcc1) ; FMOVDBIT(uge, %fcc1) ; FMOVDBIT(lg, %fcc1) ; FMOVDBIT(o, %fcc1)
  FMOVSBIT(u, %fcc2) ; FMOVSBIT(ne, %fcc2) ; FMOVSBIT(ul, %fcc3) ; FMOVSBIT(ge, %fcc3)
  REC("fmov{d,s} fcc mask", %l3)
  stx %fsr, [%sp + BIAS + 136]
  ldx [%sp + BIAS + 136], %l3
  setx 0x0000003f00000c00, %l4, %l5   ! fcc3..fcc1 (bits 32-37) and fcc0 (bits 10-11)
  and %l3, %l5, %l3
  REC("fsr fcc fields", %l3)
  ! fmovr: move double if integer register condition holds
  mov 0, %l3
  sub %l2, 3, %l0
  fmovd %f6, %f2
  fmovrdz %l0, %f4, %f2
  std %f2, [%sp + BIAS + 128]
  ldx [%sp + BIAS + 128], %l4
  REC("fmovrdz", %l4)
  fmovd %f6, %f2
  fmovrdgez %l0, %f4, %f2
  std %f2, [%sp + BIAS + 128]
  ldx [%sp + BIAS + 128], %l4
  REC("fmovrdgez", %l4)
  fmovs %f11, %f13
  fmovrslz %l0, %f9, %f13
  st %f13, [%sp + BIAS + 128]
  lduw [%sp + BIAS + 128], %l4
  REC("fmovrslz", %l4)
  fmovs %f11, %f13
  fmovrsnz %l0, %f9, %f13
  st %f13, [%sp + BIAS + 128]
  lduw [%sp + BIAS + 128], %l4
  REC("fmovrsnz", %l4)
  add %l2, 1, %l2
  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, 2b
   nop

  MAIN_END

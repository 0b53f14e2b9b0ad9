/* Branches and delay slots: Bicc, BPcc (%icc/%xcc, ,pt/,pn), BPr (brz brlez brlz brnz brgz
 * brgez) and FBfcc/FBPfcc (%fcc0-%fcc3), each with and without the annul bit, taken and not
 * taken. Each test yields 2 bits: the delay slot adds 1, the fall-through path adds 2, so
 * taken=1, taken+annul=1, not-taken=3, not-taken+annul=2, ba,a=0, bn=3, bn,a=2. */
#include "asm_common.h"

/* gas macros (not cpp: the branch mnemonics contain commas) */
  .macro BT insn
  mov 0, %l4
  \insn 990f
   add %l4, 1, %l4
  add %l4, 2, %l4
990:
  sllx %l3, 2, %l3
  or %l3, %l4, %l3
  .endm

  /* Bicc (icc implied), all 16 conditions, plain and annulled: 32 tests = 64 bits */
  .macro BICC_ALL
  .irp cond, a,n,ne,e,g,le,ge,l,gu,leu,cc,cs,pos,neg,vc,vs
  BT "b\cond"
  .endr
  .irp cond, a,n,ne,e,g,le,ge,l,gu,leu,cc,cs,pos,neg,vc,vs
  BT "b\cond,a"
  .endr
  .endm

  /* BPcc: ,pt without annul and ,a,pn with annul */
  .macro BPCC_ALL ccr
  .irp cond, a,n,ne,e,g,le,ge,l,gu,leu,cc,cs,pos,neg,vc,vs
  BT "b\cond,pt \ccr,"
  BT "b\cond,a,pn \ccr,"
  .endr
  .endm

  /* BPr: plain, annulled, ,pn and ,a,pt */
  .macro BPR_ALL reg
  .irp cond, z,lez,lz,nz,gz,gez
  BT "br\cond \reg,"
  BT "br\cond,a \reg,"
  BT "br\cond,pn \reg,"
  BT "br\cond,a,pt \reg,"
  .endr
  .endm

  /* FBfcc on %fcc0 (v8 form) */
  .macro FB_ALL
  .irp cond, a,n,u,g,ug,l,ul,lg,ne,e,ue,ge,uge,le,ule,o
  BT "fb\cond"
  .endr
  .irp cond, a,n,u,g,ug,l,ul,lg,ne,e,ue,ge,uge,le,ule,o
  BT "fb\cond,a"
  .endr
  .endm

  /* FBPfcc on a given %fccN */
  .macro FBP_ALL ccr
  .irp cond, a,n,u,g,ug,l,ul,lg,ne,e,ue,ge,uge,le,ule,o
  BT "fb\cond,pt \ccr,"
  BT "fb\cond,a,pn \ccr,"
  .endr
  .endm

  .section .rodata
  .align 8
pairs:
  .xword 0, 0
  .xword 1, 2
  .xword 2, 1
  .xword -1, 1
  .xword 0x7fffffff, -1
  .xword 0x80000000, 1
  .xword 0x100000000, 1
  .xword 0x8000000000000000, 1
  .xword 0xffffffff, 0xffffffff00000000
pairs_end:
  .align 8
dvals:
  .double 0.0, 0.0
  .double 1.0, 2.0
  .double 2.0, 1.0
  .double -1.0, -0.0
dvals_end:
  .align 8
nan_d: .xword 0x7ff8000000000000

  MAIN_BEGIN(192)
  SETADDR(pairs, %l6)
  SETADDR(pairs_end, %l7)
1:
  ldx [%l6], %l0
  ldx [%l6 + 8], %l1
  cmp %l0, %l1
  mov 0, %l3
  BICC_ALL
  REC("Bicc", %l3)
  cmp %l0, %l1
  mov 0, %l3
  BPCC_ALL %icc
  REC("BPcc icc", %l3)
  cmp %l0, %l1
  mov 0, %l3
  BPCC_ALL %xcc
  REC("BPcc xcc", %l3)
  sub %l0, %l1, %l2
  mov 0, %l3
  BPR_ALL %l2
  REC("BPr l0-l1", %l3)
  mov 0, %l3
  BPR_ALL %l0
  REC("BPr l0", %l3)
  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, 1b
   nop

  SETADDR(dvals, %l6)
  SETADDR(dvals_end, %l7)
  sethi %hi(nan_d), %l5
  ldd [%l5 + %lo(nan_d)], %f20
2:
  ldd [%l6], %f16
  ldd [%l6 + 8], %f18
  fcmpd %fcc0, %f16, %f18
  fcmpd %fcc1, %f18, %f16
  fcmpd %fcc2, %f16, %f20      ! unordered
  fcmpd %fcc3, %f18, %f18      ! equal
  mov 0, %l3
  FB_ALL
  REC("FBfcc fcc0", %l3)
  mov 0, %l3
  FBP_ALL %fcc1
  REC("FBPfcc fcc1", %l3)
  mov 0, %l3
  FBP_ALL %fcc2
  REC("FBPfcc fcc2", %l3)
  mov 0, %l3
  FBP_ALL %fcc3
  REC("FBPfcc fcc3", %l3)
  add %l6, 16, %l6
  cmp %l6, %l7
  blu,pt %xcc, 2b
   nop

  ! delay slot of a taken backward loop branch executes every iteration
  mov 10, %l0
  mov 0, %l1
3:
  subcc %l0, 1, %l0
  bne,pt %icc, 3b
   add %l1, 3, %l1
  REC("loop delay slot sum", %l1)
  ! annulled loop: delay slot executes only when the branch is taken
  mov 10, %l0
  mov 0, %l1
4:
  subcc %l0, 1, %l0
  bne,a,pt %icc, 4b
   add %l1, 3, %l1
  REC("annulled loop sum", %l1)
  ! brnz,a countdown
  mov 7, %l0
  mov 0, %l1
5:
  sub %l0, 1, %l0
  brnz,a,pt %l0, 5b
   add %l1, %l0, %l1
  REC("brnz,a loop sum", %l1)

  MAIN_END

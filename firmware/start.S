/* Entry points. The boot vCPU arrives at _start (the image's first byte) with the MMU
 * off, TL=0, GL=0, PSTATE=PRIV, TBA=0, %o0 = RA of guest memory, %o1 = its size; every
 * secondary arrives at secondary_start (from cpu_start) with %o0 = its struct cpu. */
#include "sun4v.h"
#include "percpu.h"

#define HV_MACH_EXIT_FN  0x00
#define HV_MMU_ENABLE_FN 0x27

  .register %g2, #scratch
  .register %g3, #scratch

/* state every vCPU sets first: trap table, scratchpads, FPU, a clean window state */
.macro CPU_COMMON cpu
  setx trap_table, %g1, %g2
  wrpr %g2, %tba
  mov SCRATCH_CPU, %g3
  stxa \cpu, [%g3] ASI_SCRATCHPAD
  add \cpu, CPU_FAULT, %g2
  mov SCRATCH_FAULT, %g3
  stxa %g2, [%g3] ASI_SCRATCHPAD
  wrpr %g0, PSTATE_PRIV | PSTATE_PEF, %pstate   /* gcc may use FP registers */
  wr %g0, FPRS_FEF, %fprs
  wrpr %g0, 0, %canrestore
  wrpr %g0, 0, %otherwin
  wrpr %g0, NWINDOWS - 2, %cansave
  wrpr %g0, NWINDOWS - 2, %cleanwin
  wrpr %g0, 0, %wstate
  sethi %hi(0x80000000), %g2                    /* %stick_cmpr INT_DIS: no stray timer */
  sllx %g2, 32, %g2
  wr %g2, %g0, %stick_cmpr
.endm

  .section ".text.start", "ax"
  .global _start
_start:
  setx cpus, %g1, %g4          /* cpus[0] until boot_main knows its vCPU id */
  CPU_COMMON %g4
  /* clear .bss (keeping %o0/%o1, the boot arguments) */
  setx __bss_start, %g1, %g2
  setx __bss_end, %g1, %g3
1:
  cmp %g2, %g3
  bgeu,pn %xcc, 2f
  nop
  stx %g0, [%g2]
  ba,pt %xcc, 1b
  add %g2, 8, %g2
2:
  setx __boot_stack_top, %g1, %g2
  sub %g2, STACK_BIAS + FRAME_MIN, %sp
  call boot_main
  clr %fp
  mov HV_MACH_EXIT_FN, %o5     /* boot_main does not return; exit with its value if it does */
  ta 0x80
  ba,a .

  .text
  .global secondary_start
secondary_start:
  CPU_COMMON %o0
  ldx [%o0 + CPU_STACK_TOP], %g2
  sub %g2, STACK_BIAS + FRAME_MIN, %sp
  call secondary_main
  clr %fp
  mov HV_MACH_EXIT_FN, %o5
  ta 0x80
  ba,a .

/* mmu_enable continues at the VA given in %o1: here, the label below, where this
 * function returns HV_EOK with the MMU on (VA = RA, so the stack and return address
 * still hold). If the call returns in place it failed: %o0 is the status. */
  .global hv_mmu_enable_here
hv_mmu_enable_here:
  setx .Lmmu_on, %g1, %o1
  mov 1, %o0
  mov HV_MMU_ENABLE_FN, %o5
  ta 0x80
  retl
  nop
.Lmmu_on:
  retl
  clr %o0

  .section .note.GNU-stack,"",@progbits

/* The guest's trap table (sun4v privileged mode): 512 vectors of 32 bytes for traps taken
 * at TL=0, then 512 for traps taken at TL>0. Spill, fill and clean_window vectors are
 * handled in place; MMU misses, cpu and device mondos and the level-14 timer interrupt branch to
 * handlers below; everything else goes to trap_unexpected, which reports and exits.
 * Handlers run at TL>0 with their own globals (GL+1) and touch memory only through
 * ASI_REAL, so they work the same with the MMU on or off. */
#include "sun4v.h"
#include "percpu.h"

#define FATAL_STACK_SIZE 0x2000   /* trap_fatal's stack, shared: one vCPU reports */

  .register %g2, #scratch
  .register %g3, #scratch
  .register %g6, #scratch
  .register %g7, #scratch

/* one 32-byte vector that reports the trap */
.macro UNEXPECTED
  ba,a,pt %xcc, trap_unexpected
  nop; nop; nop; nop; nop; nop; nop
.endm

/* vectors [from, to) that all report */
.macro UNEXPECTED_RANGE base, from, to
  .org \base + \from * 32
  .rept \to - \from
  UNEXPECTED
  .endr
.endm

/* a vector that branches to a handler, padded to `slots` entries */
.macro VECTOR base, tt, name, handler, slots
  .org \base + \tt * 32
  .global \name
\name:
  ba,a,pt %xcc, \handler
  nop
  .org \base + (\tt + \slots) * 32
.endm

/* WSTATE 0: 64-bit frames, the window's locals and ins go to %sp + bias */
.macro SPILL_64 base, tt, name
  .org \base + \tt * 32
  .global \name
\name:
  stx %l0, [%sp + STACK_BIAS + 0x00]
  stx %l1, [%sp + STACK_BIAS + 0x08]
  stx %l2, [%sp + STACK_BIAS + 0x10]
  stx %l3, [%sp + STACK_BIAS + 0x18]
  stx %l4, [%sp + STACK_BIAS + 0x20]
  stx %l5, [%sp + STACK_BIAS + 0x28]
  stx %l6, [%sp + STACK_BIAS + 0x30]
  stx %l7, [%sp + STACK_BIAS + 0x38]
  stx %i0, [%sp + STACK_BIAS + 0x40]
  stx %i1, [%sp + STACK_BIAS + 0x48]
  stx %i2, [%sp + STACK_BIAS + 0x50]
  stx %i3, [%sp + STACK_BIAS + 0x58]
  stx %i4, [%sp + STACK_BIAS + 0x60]
  stx %i5, [%sp + STACK_BIAS + 0x68]
  stx %i6, [%sp + STACK_BIAS + 0x70]
  stx %i7, [%sp + STACK_BIAS + 0x78]
  saved
  retry
  .org \base + (\tt + 4) * 32
.endm

.macro FILL_64 base, tt, name
  .org \base + \tt * 32
  .global \name
\name:
  ldx [%sp + STACK_BIAS + 0x00], %l0
  ldx [%sp + STACK_BIAS + 0x08], %l1
  ldx [%sp + STACK_BIAS + 0x10], %l2
  ldx [%sp + STACK_BIAS + 0x18], %l3
  ldx [%sp + STACK_BIAS + 0x20], %l4
  ldx [%sp + STACK_BIAS + 0x28], %l5
  ldx [%sp + STACK_BIAS + 0x30], %l6
  ldx [%sp + STACK_BIAS + 0x38], %l7
  ldx [%sp + STACK_BIAS + 0x40], %i0
  ldx [%sp + STACK_BIAS + 0x48], %i1
  ldx [%sp + STACK_BIAS + 0x50], %i2
  ldx [%sp + STACK_BIAS + 0x58], %i3
  ldx [%sp + STACK_BIAS + 0x60], %i4
  ldx [%sp + STACK_BIAS + 0x68], %i5
  ldx [%sp + STACK_BIAS + 0x70], %i6
  ldx [%sp + STACK_BIAS + 0x78], %i7
  restored
  retry
  .org \base + (\tt + 4) * 32
.endm

/* the trap arrives with CWP at the window to clean: zero it so no stale data leaks */
.macro CLEAN_WINDOW base, tt, name
  .org \base + \tt * 32
  .global \name
\name:
  rdpr %cleanwin, %l0
  inc %l0
  wrpr %l0, %cleanwin
  clr %l0; clr %l1; clr %l2; clr %l3; clr %l4; clr %l5; clr %l6; clr %l7
  clr %o0; clr %o1; clr %o2; clr %o3; clr %o4; clr %o5; clr %o6; clr %o7
  retry
  .org \base + (\tt + 4) * 32
.endm

  .section ".text.traptable", "ax"
  .align 0x8000
  .global trap_table
trap_table:
/* ---- traps taken at TL=0 ---- */
tl0:
  UNEXPECTED_RANGE tl0, 0x000, 0x024
  CLEAN_WINDOW tl0, 0x024, tl0_clean_window
  UNEXPECTED_RANGE tl0, 0x028, 0x04e
  VECTOR tl0, 0x04e, tl0_interrupt_level_14, interrupt_level_14, 1
  UNEXPECTED_RANGE tl0, 0x04f, 0x068
  VECTOR tl0, 0x068, tl0_fast_data_access_MMU_miss, fast_data_access_MMU_miss, 4
  UNEXPECTED_RANGE tl0, 0x06c, 0x07c
  VECTOR tl0, 0x07c, tl0_cpu_mondo, cpu_mondo, 1
  VECTOR tl0, 0x07d, tl0_dev_mondo, dev_mondo, 1
  UNEXPECTED_RANGE tl0, 0x07e, 0x080
  SPILL_64 tl0, 0x080, tl0_spill_0_normal
  UNEXPECTED_RANGE tl0, 0x084, 0x0c0
  FILL_64 tl0, 0x0c0, tl0_fill_0_normal
  UNEXPECTED_RANGE tl0, 0x0c4, 0x200
/* ---- traps taken at TL>0 (from a handler): windows and MMU misses only ---- */
tl1:
  UNEXPECTED_RANGE tl1, 0x000, 0x024
  CLEAN_WINDOW tl1, 0x024, tl1_clean_window
  UNEXPECTED_RANGE tl1, 0x028, 0x068
  VECTOR tl1, 0x068, tl1_fast_data_access_MMU_miss, fast_data_access_MMU_miss, 4
  UNEXPECTED_RANGE tl1, 0x06c, 0x080
  SPILL_64 tl1, 0x080, tl1_spill_0_normal
  UNEXPECTED_RANGE tl1, 0x084, 0x0c0
  FILL_64 tl1, 0x0c0, tl1_fill_0_normal
  UNEXPECTED_RANGE tl1, 0x0c4, 0x200
  .global trap_table_end
trap_table_end:

  .text
/* fast_data_access_MMU_miss: a miss in this vCPU's demand region (memory workload) gets
 * an 8K TTE written into the vCPU's 8K TSB, which the hardware walk then finds on retry.
 * Anything else missing is a bug: report it. */
  .global fast_data_access_MMU_miss
fast_data_access_MMU_miss:
  wr %g0, ASI_REAL, %asi
  mov SCRATCH_CPU, %g1
  ldxa [%g1] ASI_SCRATCHPAD, %g1
  ldxa [%g1 + CPU_FAULT + FAULT_D_ADDR] %asi, %g2
  ldxa [%g1 + CPU_FAULT + FAULT_D_CTX] %asi, %g3
  brnz,pn %g3, trap_unexpected
  ldxa [%g1 + CPU_DEMAND_VA] %asi, %g4
  sub %g2, %g4, %g4                      /* offset into the region */
  ldxa [%g1 + CPU_DEMAND_SIZE] %asi, %g5
  cmp %g4, %g5
  bgeu,pn %xcc, trap_unexpected          /* unsigned: also catches VA below the region */
  ldxa [%g1 + CPU_DEMAND_TTE] %asi, %g5
  srlx %g4, PAGE_SHIFT_8K, %g4
  sllx %g4, PAGE_SHIFT_8K, %g4
  add %g5, %g4, %g5                      /* RA field (bits 55:13) + page offset */
  srlx %g2, TSB_TAG_VA_SHIFT, %g6        /* tag: context 0, VA[63:22] */
  ldxa [%g1 + CPU_TSB8K] %asi, %g7
  ldxa [%g1 + CPU_TSB8K_MASK] %asi, %g3
  srlx %g2, PAGE_SHIFT_8K, %g4
  and %g4, %g3, %g4
  sllx %g4, 4, %g4                       /* 16-byte entries */
  add %g7, %g4, %g7
  stxa %g6, [%g7 + 0] %asi
  stxa %g5, [%g7 + 8] %asi
  ldxa [%g1 + CPU_MISSES] %asi, %g4
  inc %g4
  stxa %g4, [%g1 + CPU_MISSES] %asi
  retry

/* cpu_mondo: count the messages in this vCPU's queue and consume them */
  .global cpu_mondo
cpu_mondo:
  wr %g0, ASI_REAL, %asi
  mov SCRATCH_CPU, %g1
  ldxa [%g1] ASI_SCRATCHPAD, %g1
  ldxa [%g1 + CPU_MONDO_QUEUE] %asi, %g2
  ldxa [%g1 + CPU_MONDO_MASK] %asi, %g3
  mov QUEUE_CPU_MONDO_HEAD, %g4
  ldxa [%g4] ASI_QUEUE, %g5
  mov QUEUE_CPU_MONDO_TAIL, %g4
  ldxa [%g4] ASI_QUEUE, %g6
1:
  cmp %g5, %g6
  be,pn %xcc, 3f
  nop
  ldxa [%g2 + %g5] ASI_REAL, %g4         /* word 0: message kind */
  mov CPU_MONDO_OTHER, %g7
  cmp %g4, MONDO_MSG_UP
  move %xcc, CPU_MONDO_UP, %g7
  cmp %g4, MONDO_MSG_DONE
  move %xcc, CPU_MONDO_DONE, %g7
  add %g1, %g7, %g7
  ldxa [%g7] ASI_REAL, %g4
  inc %g4
  stxa %g4, [%g7] ASI_REAL
  add %g5, QUEUE_ENTRY_SIZE, %g5
  ba,pt %xcc, 1b
  and %g5, %g3, %g5
3:
  mov QUEUE_CPU_MONDO_HEAD, %g4
  stxa %g5, [%g4] ASI_QUEUE
  retry

/* dev_mondo: the LDC receive interrupt only has to end the cpu_yield of a vCPU waiting for
 * packets; the link layer reads the channel state itself, so the entries are just consumed. */
  .global dev_mondo
dev_mondo:
  mov QUEUE_DEV_MONDO_TAIL, %g1
  ldxa [%g1] ASI_QUEUE, %g2
  mov QUEUE_DEV_MONDO_HEAD, %g1
  stxa %g2, [%g1] ASI_QUEUE
  retry

/* interrupt_level_14: the STICK compare of the counter workload. The next deadline is
 * the previous one plus the period, so the rate does not drift with handler latency. */
  .global interrupt_level_14
interrupt_level_14:
  sethi %hi(SOFTINT_SM), %g1
  or %g1, SOFTINT_TM, %g1
  wr %g1, %g0, %clear_softint
  wr %g0, ASI_REAL, %asi
  mov SCRATCH_CPU, %g1
  ldxa [%g1] ASI_SCRATCHPAD, %g1
  ldxa [%g1 + CPU_TIMER_PERIOD] %asi, %g2
  brz,pn %g2, 9f                         /* not our timer: nothing to re-arm */
  nop
  ldxa [%g1 + CPU_TIMER_DEADLINE] %asi, %g3
  add %g3, %g2, %g3
  stxa %g3, [%g1 + CPU_TIMER_DEADLINE] %asi
  wr %g3, %g0, %stick_cmpr
  ldxa [%g1 + CPU_TIMER_TICKS] %asi, %g4
  inc %g4
  stxa %g4, [%g1 + CPU_TIMER_TICKS] %asi
  /* a deadline already in the past would never match: take the next tick at once */
  rd %stick, %g4
  cmp %g4, %g3
  blu,pt %xcc, 9f
  nop
  sethi %hi(SOFTINT_SM), %g4
  wr %g4, %g0, %set_softint
9:
  retry

/* Record the trap state for TL 1..current, then leave trap level: TL=0, GL=0, IE=0, a
 * fresh window state on the fatal stack, and report from C (trap_fatal never returns).
 * The first vCPU to get here reports; any other waits for the guest to exit. */
.macro RECORD_TRAP idx
  rdpr %tt, %g4
  stxa %g4, [%g1 + CPU_TRAP_TT + 8 * \idx] %asi
  rdpr %tpc, %g4
  stxa %g4, [%g1 + CPU_TRAP_TPC + 8 * \idx] %asi
  rdpr %tnpc, %g4
  stxa %g4, [%g1 + CPU_TRAP_TNPC + 8 * \idx] %asi
  rdpr %tstate, %g4
  stxa %g4, [%g1 + CPU_TRAP_TSTATE + 8 * \idx] %asi
.endm

  .global trap_unexpected
trap_unexpected:
  wr %g0, ASI_REAL, %asi
  /* armed by trap_catch (percpu.h) and at TL 1: note the trap, disarm, and go on after the
   * instruction that trapped */
  mov SCRATCH_CPU, %g1
  ldxa [%g1] ASI_SCRATCHPAD, %g1
  ldxa [%g1 + CPU_CATCH] %asi, %g2
  brz,pt %g2, 4f
  rdpr %tl, %g3
  cmp %g3, 1
  bne,pn %xcc, 4f
  rdpr %tt, %g4
  stxa %g4, [%g1 + CPU_CAUGHT_TT] %asi
  stxa %g0, [%g1 + CPU_CATCH] %asi
  done
4:
  setx fatal_lock, %g3, %g2
  mov 1, %g3
  casxa [%g2] ASI_REAL, %g0, %g3
  brnz,pn %g3, .
  nop
  mov SCRATCH_CPU, %g1
  ldxa [%g1] ASI_SCRATCHPAD, %g1
  rdpr %tl, %g3
  stxa %g3, [%g1 + CPU_TRAP_TL] %asi
  cmp %g3, 2
  bl,pt %xcc, 1f
  nop
  RECORD_TRAP 1
  wrpr %g0, 1, %tl
1:
  RECORD_TRAP 0
  mov %g1, %o0                           /* the windowed %o0 survives the GL change */
  wrpr %g0, 0, %tl
  wrpr %g0, 0, %gl
  wrpr %g0, PSTATE_PRIV | PSTATE_PEF, %pstate
  wr %g0, FPRS_FEF, %fprs
  wrpr %g0, 0, %canrestore
  wrpr %g0, 0, %otherwin
  wrpr %g0, NWINDOWS - 2, %cansave
  wrpr %g0, NWINDOWS - 2, %cleanwin
  wrpr %g0, 0, %wstate
  setx fatal_stack + FATAL_STACK_SIZE, %g1, %g2
  sub %g2, STACK_BIAS + FRAME_MIN, %sp
  call trap_fatal
  clr %fp
  ba,a .

  .section .bss
  .align 16
fatal_stack:
  .skip FATAL_STACK_SIZE
  .align 8
fatal_lock:
  .skip 8

  .section .note.GNU-stack,"",@progbits

/* sun4v architectural constants the runtime uses, shared by C and assembly. */
#ifndef FW_SUN4V_H
#define FW_SUN4V_H

/* constants both the assembler and C accept */
#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

/* ASIs */
#define ASI_REAL        0x14   /* load/store by real address, MMU on or off */
#define ASI_SCRATCHPAD  0x20
#define ASI_MMU         0x21   /* contexts */
#define ASI_QUEUE       0x25
#define ASI_REAL_IO_LITTLE 0x1d   /* device space by real address, little-endian, uncached */

/* Scratchpad registers (VA in ASI_SCRATCHPAD): 0 = fault area as Solaris/Linux do. */
#define SCRATCH_FAULT   0x00
#define SCRATCH_CPU     0x08   /* this vCPU's struct cpu */

/* Interrupt queue registers (VA in ASI_QUEUE) and queue ids for cpu_qconf */
#define QUEUE_CPU_MONDO_HEAD 0x3c0
#define QUEUE_CPU_MONDO_TAIL 0x3c8
#define QUEUE_ID_CPU_MONDO   0x3c
#define QUEUE_DEV_MONDO_HEAD 0x3d0
#define QUEUE_DEV_MONDO_TAIL 0x3d8
#define QUEUE_ID_DEV_MONDO   0x3d
#define QUEUE_ENTRY_SIZE     64

/* MMU fault status area offsets */
#define FAULT_I_TYPE 0x00
#define FAULT_I_ADDR 0x08
#define FAULT_I_CTX  0x10
#define FAULT_D_TYPE 0x40
#define FAULT_D_ADDR 0x48
#define FAULT_D_CTX  0x50
#define FAULT_AREA_SIZE 0x80

/* PSTATE / FPRS */
#define PSTATE_IE   0x02
#define PSTATE_PRIV 0x04
#define PSTATE_PEF  0x10
#define FPRS_FEF    0x04

/* SOFTINT: TICK match (bit 0) and STICK match (bit 16) both raise level 14 */
#define SOFTINT_TM  0x1
#define SOFTINT_SM  0x10000
#define STICK_CMPR_INT_DIS (UL(1) << 63)

/* Stack frames (sparcv9 ABI) */
#define STACK_BIAS 2047
#define FRAME_MIN  176
#define NWINDOWS   8

/* TTE data bits (sun4v) */
#define TTE_V      (UL(1) << 63)
#define TTE_CP     (UL(1) << 10)
#define TTE_CV     (UL(1) << 9)
#define TTE_P      (UL(1) << 8)
#define TTE_X      (UL(1) << 7)
#define TTE_W      (UL(1) << 6)
#define TTE_SZ_8K  0
#define TTE_SZ_4M  3
#define TSB_ENTRY_SIZE 16
#define PAGE_SHIFT_8K 13
#define PAGE_SHIFT_4M 22
#define TSB_TAG_VA_SHIFT 22   /* tag bits 41:0 hold VA[63:22] */

/* Trap types the runtime names */
#define TT_INSTRUCTION_ACCESS_EXCEPTION 0x08
#define TT_DATA_ACCESS_EXCEPTION        0x30
#define TT_MEM_ADDRESS_NOT_ALIGNED      0x34
#define TT_INTERRUPT_LEVEL_14           0x4e
#define TT_FAST_INSTRUCTION_MMU_MISS    0x64
#define TT_FAST_DATA_MMU_MISS           0x68
#define TT_FAST_DATA_PROTECTION         0x6c
#define TT_CPU_MONDO                    0x7c
#define TT_DEV_MONDO                    0x7d

/* cpu mondo messages between vCPUs: word 0 is the kind, word 1 the sender */
#define MONDO_MSG_UP   1
#define MONDO_MSG_DONE 2

#endif

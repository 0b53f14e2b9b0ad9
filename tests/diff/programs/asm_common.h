/* Shared scaffolding for the SPARC V9 assembly test programs (included by *.S).
 *
 * Results are recorded with REC(name, reg): the register value and a pointer to the name
 * string are appended to rec_buf. %g5 is the record cursor and %g4 a scratch register, so
 * test code must not use %g4/%g5. At the end main calls rec_dump, which prints every record
 * as "index name value" with printf and returns a checksum (& 0x7f) in %o0.
 * Stack frames follow the 64-bit ABI: %sp is biased by 2047, minimum frame 176 bytes. */

#define BIAS 2047

/* Absolute %hi/%lo addressing is used throughout; with -fPIE the assembler would turn those
 * into GOT references, so these programs are built with -fno-pie (see CMakeLists.txt). */
#if defined(__PIC__) || defined(__PIE__)
#error "assembly test programs must be built with -fno-pie"
#endif

#define REC(name, reg)                                    \
  stx reg, [%g5] ;                                        \
  .pushsection .rodata.recnames, "a" ;                    \
  991: .asciz name ;                                      \
  .popsection ;                                           \
  sethi %hi(991b), %g4 ;                                  \
  or %g4, %lo(991b), %g4 ;                                \
  stx %g4, [%g5 + 8] ;                                    \
  add %g5, 16, %g5

/* The test's main: a frame of `frame` bytes and the record cursor; MAIN_END prints the
 * records and returns their checksum. */
#define MAIN_BEGIN(frame)                                 \
  .text ;                                                 \
  .align 4 ;                                              \
  .global main ;                                          \
  .type main, #function ;                                 \
main:                                                     \
  save %sp, -(frame), %sp ;                               \
  REC_INIT

#define MAIN_END                                          \
  call rec_dump ;                                         \
   nop ;                                                  \
  ret ;                                                   \
   restore %o0, 0, %o0 ;                                  \
  .size main, . - main

/* reg = address of sym (absolute, medlow) */
#define SETADDR(sym, reg) sethi %hi(sym), reg ; or reg, %lo(sym), reg

/* record the condition codes */
#define REC_CCR(name) rd %ccr, %g4 ; REC(name, %g4)

#define REC_INIT                                          \
  sethi %hi(rec_buf), %g5 ;                               \
  or %g5, %lo(rec_buf), %g5

/* load a 64-bit constant (absolute, medlow code model is fine for static binaries) */
#define SETX(val, tmp, reg) setx val, tmp, reg

  /* %g2/%g3 are application registers in the 64-bit ABI: declare their use */
  .register %g2, #scratch
  .register %g3, #scratch

  .section .bss
  .align 16
rec_buf:
  .skip 16 * 8192

  .section .rodata
rec_fmt:
  .asciz "%4ld %-30s %016lx\n"

  .text
  .align 4
  .type rec_dump, #function
rec_dump:
  save %sp, -192, %sp
  mov %g5, %l1
  sethi %hi(rec_buf), %l0
  or %l0, %lo(rec_buf), %l0
  mov 0, %l2                    ! checksum
  mov 0, %l3                    ! index
1:
  cmp %l0, %l1
  bgeu,pn %xcc, 2f
   nop
  sethi %hi(rec_fmt), %o0
  or %o0, %lo(rec_fmt), %o0
  mov %l3, %o1
  ldx [%l0 + 8], %o2
  ldx [%l0], %o3
  mulx %l2, 31, %l2
  xor %l2, %o3, %l2
  srlx %l2, 29, %l4
  xor %l2, %l4, %l2
  call printf
   nop
  add %l3, 1, %l3
  ba,pt %xcc, 1b
   add %l0, 16, %l0
2:
  and %l2, 0x7f, %i0
  ret
   restore
  .size rec_dump, . - rec_dump

  .section .note.GNU-stack, "", @progbits
  .text

/* Atomic instructions: ldstub (and ldstuba), swap (and swapa), casa/casxa with immediate ASI
 * 0x80 (primary) and 0x88 (primary little-endian) and with %asi; successful and failing
 * compares, and memory contents around the target afterwards. */
#include "asm_common.h"

  .section .data
  .align 16
mem:
  .xword 0x0011223344556677, 0x8899aabbccddeeff, 0xfedcba9876543210, 0
  .xword 0, 0, 0, 0

  MAIN_BEGIN(192)
  SETADDR(mem, %l0)

  ! ldstub: returns old byte, sets it to 0xff
  ldstub [%l0 + 1], %l1
  REC("ldstub old", %l1)
  ldstub [%l0 + 1], %l1
  REC("ldstub again", %l1)
  ldx [%l0], %l2
  REC("after ldstub", %l2)
  add %l0, 7, %l3
  ldstuba [%l3] 0x80, %l1
  REC("ldstuba 0x80 old", %l1)
  ldx [%l0], %l2
  REC("after ldstuba", %l2)

  ! swap: exchange 32-bit word
  set 0xcafef00d, %l1
  swap [%l0 + 8], %l1
  REC("swap old", %l1)
  ldx [%l0 + 8], %l2
  REC("after swap", %l2)
  set 0x12345678, %l1
  add %l0, 12, %l3
  swapa [%l3] 0x80, %l1
  REC("swapa 0x80 old", %l1)
  ldx [%l0 + 8], %l2
  REC("after swapa", %l2)
  set 0x01020304, %l1
  swapa [%l3] 0x88, %l1           ! little-endian swap
  REC("swapa 0x88 old", %l1)
  ldx [%l0 + 8], %l2
  REC("after swapa LE", %l2)

  ! casa 32-bit: compare with [rs1], swap rd if equal; rd always gets old value
  add %l0, 16, %l3                ! word at mem+16 = 0xfedcba98
  set 0xfedcba98, %l4             ! matching compare value
  set 0x11111111, %l1
  casa [%l3] 0x80, %l4, %l1
  REC("casa match old", %l1)
  lduw [%l3], %l2
  REC("casa match mem", %l2)
  set 0x22222222, %l1
  casa [%l3] 0x80, %l4, %l1       ! compare fails now
  REC("casa miss old", %l1)
  lduw [%l3], %l2
  REC("casa miss mem", %l2)
  lduw [%l3], %l5                 ! reload the current value and retry
  set 0x33333333, %l1
  casa [%l3] 0x80, %l5, %l1
  REC("casa reload old", %l1)
  lduw [%l3], %l2
  REC("casa reload mem", %l2)
  setx 0xdeadbeef33333333, %l6, %l5   ! casa compares only the low 32 bits of rs2
  setx 0xabcdef0144444444, %l6, %l1   ! and stores only the low 32 bits of rd
  casa [%l3] 0x80, %l5, %l1
  REC("casa hi-garbage old", %l1)
  ldx [%l3], %l2
  REC("casa hi-garbage mem", %l2)

  ! casxa 64-bit
  add %l0, 24, %l3                ! xword 0
  mov 0, %l4
  setx 0x0123456789abcdef, %l6, %l1
  casxa [%l3] 0x80, %l4, %l1
  REC("casxa match old", %l1)
  ldx [%l3], %l2
  REC("casxa match mem", %l2)
  mov 0, %l4
  mov -1, %l1
  casxa [%l3] 0x80, %l4, %l1
  REC("casxa miss old", %l1)
  ldx [%l3], %l2
  REC("casxa miss mem", %l2)

  ! little-endian CAS: the compare value is in LE byte order view
  setx 0xefcdab8967452301, %l6, %l4   ! memory 0123456789abcdef read as LE
  setx 0x1122334455667788, %l6, %l1
  casxa [%l3] 0x88, %l4, %l1
  REC("casxa LE match old", %l1)
  ldx [%l3], %l2
  REC("casxa LE mem (BE view)", %l2)
  add %l0, 32, %l3
  set 0xaabbccdd, %l1
  mov 0, %l4
  casa [%l3] 0x88, %l4, %l1
  REC("casa LE old", %l1)
  ldx [%l3], %l2
  REC("casa LE mem", %l2)

  ! with %asi register
  wr %g0, 0x80, %asi
  add %l0, 40, %l3
  mov 0, %l4
  set 777, %l1
  casxa [%l3] %asi, %l4, %l1
  REC("casxa %asi old", %l1)
  ldx [%l3], %l2
  REC("casxa %asi mem", %l2)
  rd %asi, %l2
  REC("rd asi", %l2)
  ! cas / casx aliases
  add %l0, 48, %l3
  mov 0, %l4
  mov 5, %l1
  casx [%l3], %l4, %l1
  REC("casx alias old", %l1)
  mov 5, %l4
  mov 6, %l1
  casx [%l3], %l4, %l1
  REC("casx alias old2", %l1)
  ldx [%l3], %l2
  REC("casx alias mem", %l2)
  ! a CAS-based increment loop
  add %l0, 56, %l3
  mov 100, %l7
1:
  ldx [%l3], %l4
  add %l4, 3, %l1
  casx [%l3], %l4, %l1
  cmp %l1, %l4
  bne,pn %xcc, 1b
   nop
  subcc %l7, 1, %l7
  bne,pt %xcc, 1b
   nop
  ldx [%l3], %l2
  REC("cas loop result", %l2)
  membar #StoreLoad | #LoadLoad
  ! full memory dump
  mov 0, %l7
2:
  ldx [%l0 + %l7], %l2
  REC("mem dump", %l2)
  add %l7, 8, %l7
  cmp %l7, 64
  bl,pt %icc, 2b
   nop

  MAIN_END

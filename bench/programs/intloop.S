/* intloop.S -- pure integer register loop: the "integer loop" MIPS figure.
 *
 *   intloop [ITERATIONS]      (default 50000000; 6 instructions per iteration)
 *
 * A _start program without libc (link with -static -nostdlib -fno-pie -no-pie:
 * under PIE, gas would turn the absolute "set sym" addresses into GOT references).
 * No memory traffic in the loop, one taken branch per iteration, and a useful
 * delay slot:
 *
 *   1: add   %l0, %l2, %l0       ! accumulate
 *      xor   %l0, %l1, %l1       ! mix
 *      sllx  %l1, 1, %l3         ! shift
 *      subcc %l2, 1, %l2         ! count down
 *      bne,pt %xcc, 1b
 *       or   %l3, %l4, %l4       ! delay slot: fold the shift into a sink
 *
 * At the end it prints "intloop iters=N checksum=0x................\n" and exits
 * with status 0 (exit: %g1 = 1, %o0 = 0, ta 0x6d).
 */
        .section ".text"
        .align  4
        .global _start
        .type   _start, #function
_start:
        ldx     [%sp + 2047 + 128], %l5      ! argc
        sethi   %hi(50000000), %l2           ! default iteration count
        or      %l2, %lo(50000000), %l2
        cmp     %l5, 2
        bl,pn   %xcc, .Lrun
         nop
        ldx     [%sp + 2047 + 144], %o0      ! argv[1]
        /* parse a decimal number */
        clr     %l2
.Lparse:
        ldub    [%o0], %o1
        sub     %o1, '0', %o1
        cmp     %o1, 9
        bgu,pn  %icc, .Lparsed               ! unsigned: also catches < '0' and NUL
         nop
        mulx    %l2, 10, %l2
        add     %l2, %o1, %l2
        ba,pt   %xcc, .Lparse
         add    %o0, 1, %o0
.Lparsed:
        brz,pn  %l2, .Lexit1                 ! 0 or junk: usage error
         nop
.Lrun:
        mov     %l2, %l6                     ! keep the count for the message
        sethi   %hi(0x12345678), %l0
        or      %l0, %lo(0x12345678), %l0
        sethi   %hi(0x9abcdef0), %l1
        or      %l1, %lo(0x9abcdef0), %l1
        clr     %l3
        clr     %l4
        .align  32
1:      add     %l0, %l2, %l0
        xor     %l0, %l1, %l1
        sllx    %l1, 1, %l3
        subcc   %l2, 1, %l2
        bne,pt  %xcc, 1b
         or     %l3, %l4, %l4

        /* checksum = l0 ^ l1 ^ l4 (l4 keeps the high bits of every shifted value) */
        xor     %l0, %l1, %l7
        xor     %l7, %l4, %l7

        /* build the message in buf */
        set     buf, %o5
        set     msg1, %o1
        call    .Lcopy
         nop
        /* decimal iteration count */
        call    .Ldec
         mov    %l6, %o0
        set     msg2, %o1
        call    .Lcopy
         nop
        /* 16 hex digits */
        mov     60, %o2
.Lhex:
        srlx    %l7, %o2, %o3
        and     %o3, 15, %o3
        cmp     %o3, 10
        bl,a,pt %icc, .Lhexd
         add    %o3, '0', %o3
        add     %o3, 'a' - 10, %o3
.Lhexd:
        stb     %o3, [%o5]
        add     %o5, 1, %o5
        subcc   %o2, 4, %o2
        bge,pt  %icc, .Lhex
         nop
        mov     10, %o3
        stb     %o3, [%o5]
        add     %o5, 1, %o5

        /* write(1, buf, len) */
        set     buf, %o1
        sub     %o5, %o1, %o2
        mov     1, %o0
        mov     4, %g1
        ta      0x6d
        /* exit(0) */
        mov     0, %o0
        mov     1, %g1
        ta      0x6d

.Lexit1:
        mov     1, %o0
        mov     1, %g1
        ta      0x6d

/* copy the NUL-terminated string at %o1 to %o5, advancing %o5 (leaf) */
.Lcopy:
        ldub    [%o1], %o3
        brz,pn  %o3, 2f
         nop
        stb     %o3, [%o5]
        add     %o1, 1, %o1
        ba,pt   %xcc, .Lcopy
         add    %o5, 1, %o5
2:      retl
         nop

/* append %o0 in decimal at %o5, advancing %o5 (leaf; uses tmp) */
.Ldec:
        set     tmp + 24, %o4
3:      udivx   %o0, 10, %o2
        mulx    %o2, 10, %o3
        sub     %o0, %o3, %o3
        add     %o3, '0', %o3
        sub     %o4, 1, %o4
        stb     %o3, [%o4]
        brnz,pt %o2, 3b
         mov    %o2, %o0
        set     tmp + 24, %o2
4:      ldub    [%o4], %o3
        stb     %o3, [%o5]
        add     %o4, 1, %o4
        cmp     %o4, %o2
        bl,pt   %xcc, 4b
         add    %o5, 1, %o5
        retl
         nop
        .size   _start, . - _start

        .section ".rodata"
msg1:   .asciz  "intloop iters="
msg2:   .asciz  " checksum=0x"

        .section ".bss"
        .align  8
buf:    .skip   128
tmp:    .skip   32

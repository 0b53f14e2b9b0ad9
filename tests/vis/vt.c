#include "rt.h"
union D { double d; u64 u; };
union F { float f; u32 u; };
static const u64 specials[] = {
  0, ~0ul, 0x8000000000000000ul, 0x7ffffffffffffffful, 0x0080008000800080ul,
  0xff00ff00ff00ff00ul, 0x7fff7fff7fff7ffful, 0x8000800080008000ul, 0x0001000100010001ul,
  0xffff0000ffff0000ul, 0x0000008000000080ul, 0x7fffffff7ffffffful, 0x8000000080000000ul,
  0x00ff00ff00ff00fful, 0x0123456789abcdeful, 0xfedcba9876543210ul, 0x0100010001000100ul,
  0x00000080000000fful, 0x00007fff00008000ul, 0xffff8000ffff7ffful, 0x0000000100000001ul};
#define NSPEC (sizeof specials / sizeof specials[0])
static const u32 lanes16[] = {0, 0x7fff, 0x8000, 0xffff, 0x0080, 0x00ff, 0xff00, 0x7f80, 0x0100, 0x807f};
static u64 val(void) {
  u64 r = rnd();
  switch (r & 7) {
    case 0: return specials[(r >> 3) % NSPEC];
    case 1: { u64 v = 0; for (int i = 0; i < 4; ++i) { u64 q = rnd(); v = (v << 16) | ((q & 1) ? lanes16[(q >> 1) % 10] : (q >> 20) & 0xffff); } return v; }
    case 2: { u64 v = 0; for (int i = 0; i < 8; ++i) { u64 q = rnd(); v = (v << 8) | ((q & 1) ? ((q >> 1) & 1 ? 0xff : 0) : (q >> 20) & 0xff); } return v; }
    case 3: return rnd() & 0x0000ffff0000fffful;
    default: return rnd();
  }
}
static u64 gsrval(void) { return rnd() & 0xffffffff0e0000fful; }

static void line(const char* n, u64 a, u64 b, u64 g, u64 r) {
  puts_(n); sp(); hex(a, 16); sp(); hex(b, 16); sp(); hex(g, 16); puts_(" -> "); hex(r, 16); nl();
}
static void line2(const char* n, u64 a, u64 b, u64 g, u64 r, u64 x, u64 c) {
  puts_(n); sp(); hex(a, 16); sp(); hex(b, 16); sp(); hex(g, 16); puts_(" -> "); hex(r, 16); puts_(" gsr="); hex(x, 16); puts_(" ccr="); hex(c, 2); nl();
}

/* double, double -> double, with GSR preset */
#define T_DDD(nm) static void t_##nm(u64 a, u64 b, u64 g) { union D x = {.u = a}, y = {.u = b}, z; \
  __asm__ volatile("wr %3, 0, %%gsr\n\t" #nm " %1, %2, %0" : "=e"(z.d) : "e"(x.d), "e"(y.d), "r"(g)); line(#nm, a, b, g, z.u); }
/* single, single -> single */
#define T_SSS(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F x = {.u = (u32)a}, y = {.u = (u32)b}, z; \
  __asm__ volatile("wr %3, 0, %%gsr\n\t" #nm " %1, %2, %0" : "=f"(z.f) : "f"(x.f), "f"(y.f), "r"(g)); line(#nm, (u32)a, (u32)b, g, z.u); }
/* single, single -> double */
#define T_SSD(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F x = {.u = (u32)a}, y = {.u = (u32)b}; union D z; \
  __asm__ volatile("wr %3, 0, %%gsr\n\t" #nm " %1, %2, %0" : "=e"(z.d) : "f"(x.f), "f"(y.f), "r"(g)); line(#nm, (u32)a, (u32)b, g, z.u); }
/* single, double -> double */
#define T_SDD(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F x = {.u = (u32)a}; union D y = {.u = b}, z; \
  __asm__ volatile("wr %3, 0, %%gsr\n\t" #nm " %1, %2, %0" : "=e"(z.d) : "f"(x.f), "e"(y.d), "r"(g)); line(#nm, (u32)a, b, g, z.u); }
/* double, double -> int */
#define T_DDI(nm) static void t_##nm(u64 a, u64 b, u64 g) { union D x = {.u = a}, y = {.u = b}; u64 z; \
  __asm__ volatile("wr %3, 0, %%gsr\n\t" #nm " %1, %2, %0" : "=r"(z) : "e"(x.d), "e"(y.d), "r"(g)); line(#nm, a, b, g, z); }
/* double -> single (rs2 only) */
#define T_DS(nm) static void t_##nm(u64 a, u64 b, u64 g) { union D y = {.u = b}; union F z; (void)a; \
  __asm__ volatile("wr %2, 0, %%gsr\n\t" #nm " %1, %0" : "=f"(z.f) : "e"(y.d), "r"(g)); line(#nm, 0, b, g, z.u); }
/* single -> double (rs2 only) */
#define T_SD(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F y = {.u = (u32)b}; union D z; (void)a; \
  __asm__ volatile("wr %2, 0, %%gsr\n\t" #nm " %1, %0" : "=e"(z.d) : "f"(y.f), "r"(g)); line(#nm, 0, (u32)b, g, z.u); }
/* double -> double (one source) */
#define T_DD(nm) static void t_##nm(u64 a, u64 b, u64 g) { union D y = {.u = b}, z; (void)a; \
  __asm__ volatile("wr %2, 0, %%gsr\n\t" #nm " %1, %0" : "=e"(z.d) : "e"(y.d), "r"(g)); line(#nm, 0, b, g, z.u); }
#define T_SS(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F y = {.u = (u32)b}, z; (void)a; \
  __asm__ volatile("wr %2, 0, %%gsr\n\t" #nm " %1, %0" : "=f"(z.f) : "f"(y.f), "r"(g)); line(#nm, 0, (u32)b, g, z.u); }
#define T_D0(nm) static void t_##nm(u64 a, u64 b, u64 g) { union D z = {.u = a}; (void)b; (void)g; \
  __asm__ volatile(#nm " %0" : "+e"(z.d)); line(#nm, a, 0, 0, z.u); }
#define T_S0(nm) static void t_##nm(u64 a, u64 b, u64 g) { union F z = {.u = (u32)a}; (void)b; (void)g; \
  __asm__ volatile(#nm " %0" : "+f"(z.f)); line(#nm, (u32)a, 0, 0, z.u); }
/* int, int -> int, reporting CCR (preset from g's low byte) and GSR after */
#define T_III(nm) static void t_##nm(u64 a, u64 b, u64 g) { u64 z, cc, gs, ca = a, cb = b; \
  __asm__ volatile("wr %5, 0, %%ccr\n\twr %5, 0, %%gsr\n\t" #nm " %3, %4, %0\n\trd %%ccr, %1\n\trd %%gsr, %2" \
     : "=&r"(z), "=&r"(cc), "=&r"(gs), "+r"(ca), "+r"(cb) : "r"(g) : "cc"); line2(#nm, a, b, g, z, gs, cc); }

T_III(edge8) T_III(edge8n) T_III(edge8l) T_III(edge8ln) T_III(edge16) T_III(edge16n)
T_III(edge16l) T_III(edge16ln) T_III(edge32) T_III(edge32n) T_III(edge32l) T_III(edge32ln)
T_III(array8) T_III(array16) T_III(array32) T_III(alignaddr) T_III(alignaddrl) T_III(bmask)
T_DDI(fcmple16) T_DDI(fcmpne16) T_DDI(fcmple32) T_DDI(fcmpne32)
T_DDI(fcmpgt16) T_DDI(fcmpeq16) T_DDI(fcmpgt32) T_DDI(fcmpeq32)
T_SDD(fmul8x16) T_SSD(fmul8x16au) T_SSD(fmul8x16al) T_DDD(fmul8sux16) T_DDD(fmul8ulx16)
T_SSD(fmuld8sux16) T_SSD(fmuld8ulx16) T_DDD(fpack32) T_DS(fpack16) T_DS(fpackfix)
T_DDD(faligndata) T_SSD(fpmerge) T_DDD(bshuffle) T_SD(fexpand)
T_DDD(fpadd16) T_SSS(fpadd16s) T_DDD(fpadd32) T_SSS(fpadd32s)
T_DDD(fpsub16) T_SSS(fpsub16s) T_DDD(fpsub32) T_SSS(fpsub32s)
T_D0(fzero) T_S0(fzeros) T_DDD(fnor) T_SSS(fnors) T_DDD(fandnot2) T_SSS(fandnot2s)
T_DD(fnot2) T_SS(fnot2s) T_DDD(fandnot1) T_SSS(fandnot1s) T_DD(fnot1) T_SS(fnot1s)
T_DDD(fxor) T_SSS(fxors) T_DDD(fnand) T_SSS(fnands) T_DDD(fand) T_SSS(fands)
T_DDD(fxnor) T_SSS(fxnors) T_DD(fsrc1) T_SS(fsrc1s) T_DDD(fornot2) T_SSS(fornot2s)
T_DD(fsrc2) T_SS(fsrc2s) T_DDD(fornot1) T_SSS(fornot1s) T_DDD(for) T_SSS(fors)
T_D0(fone) T_S0(fones)

static void t_pdist(u64 a, u64 b, u64 g) { union D x = {.u = a}, y = {.u = b}, z = {.u = g}; \
  __asm__ volatile("pdist %1, %2, %0" : "+e"(z.d) : "e"(x.d), "e"(y.d)); line("pdist", a, b, g, z.u); }
#define T_SIAM(m) static void t_siam##m(u64 a, u64 b, u64 g) { u64 gs; (void)a; (void)b; \
  __asm__ volatile("wr %1, 0, %%gsr\n\tsiam " #m "\n\trd %%gsr, %0" : "=r"(gs) : "r"(g)); line("siam" #m, 0, 0, g, gs); }
T_SIAM(0) T_SIAM(1) T_SIAM(2) T_SIAM(3) T_SIAM(4) T_SIAM(5) T_SIAM(6) T_SIAM(7)

typedef void (*tf)(u64, u64, u64);
struct T { tf f; int kind; };  /* kind: 0 fp values, 1 edge addresses, 2 array, 3 int sums */
#define E(n, k) {t_##n, k},
static const struct T tests[] = {
  E(edge8,1) E(edge8n,1) E(edge8l,1) E(edge8ln,1) E(edge16,1) E(edge16n,1) E(edge16l,1) E(edge16ln,1)
  E(edge32,1) E(edge32n,1) E(edge32l,1) E(edge32ln,1) E(array8,2) E(array16,2) E(array32,2)
  E(alignaddr,3) E(alignaddrl,3) E(bmask,3)
  E(fcmple16,0) E(fcmpne16,0) E(fcmple32,0) E(fcmpne32,0) E(fcmpgt16,0) E(fcmpeq16,0) E(fcmpgt32,0) E(fcmpeq32,0)
  E(fmul8x16,0) E(fmul8x16au,0) E(fmul8x16al,0) E(fmul8sux16,0) E(fmul8ulx16,0) E(fmuld8sux16,0) E(fmuld8ulx16,0)
  E(fpack32,0) E(fpack16,0) E(fpackfix,0) E(pdist,0) E(faligndata,0) E(fpmerge,0) E(bshuffle,0) E(fexpand,0)
  E(fpadd16,0) E(fpadd16s,0) E(fpadd32,0) E(fpadd32s,0) E(fpsub16,0) E(fpsub16s,0) E(fpsub32,0) E(fpsub32s,0)
  E(fzero,0) E(fzeros,0) E(fnor,0) E(fnors,0) E(fandnot2,0) E(fandnot2s,0) E(fnot2,0) E(fnot2s,0)
  E(fandnot1,0) E(fandnot1s,0) E(fnot1,0) E(fnot1s,0) E(fxor,0) E(fxors,0) E(fnand,0) E(fnands,0)
  E(fand,0) E(fands,0) E(fxnor,0) E(fxnors,0) E(fsrc1,0) E(fsrc1s,0) E(fornot2,0) E(fornot2s,0)
  E(fsrc2,0) E(fsrc2s,0) E(fornot1,0) E(fornot1s,0) E(for,0) E(fors,0) E(fone,0) E(fones,0)
#ifdef WITH_SIAM
  E(siam0,0) E(siam1,0) E(siam2,0) E(siam3,0) E(siam4,0) E(siam5,0) E(siam6,0) E(siam7,0)
#endif
};
#ifndef NCASE
#define NCASE 400
#endif
int cmain(void) {
  for (unsigned t = 0; t < sizeof tests / sizeof tests[0]; ++t) {
    for (int i = 0; i < NCASE; ++i) {
      u64 a, b, g = gsrval();
      switch (tests[t].kind) {
        case 1: {  /* addresses: same block often, with every low-bit pair */
          a = rnd();
          u64 q = rnd();
          if (i < 64) { a = (a & ~7ul) | (i & 7); b = (a & ~7ul) | ((i >> 3) & 7); }
          else if (q & 1) b = a + ((q >> 1) & 15) - 4;
          else if (q & 2) b = (a & 0xffffffff00000000ul) | (rnd() & 0xfffffffful);
          else b = rnd();
          g = (g & ~0xfful) | (rnd() & 0xff);   /* preset ccr pattern */
          break;
        }
        case 2: a = rnd(); b = rnd() % 6; break;
        case 3: a = rnd(); b = (rnd() & 1) ? rnd() : rnd() & 0xff; g = (g & ~0xfful) | (rnd() & 0xff); break;
        default: a = val(); b = val(); break;
      }
      tests[t].f(a, b, g);
    }
  }
  flush();
  return 0;
}

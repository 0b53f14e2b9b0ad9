// Register windows (SPARC V9 5.2.2, 6.4, A.21 FLUSHW, A.45 RETURN, A.46 SAVE/RESTORE,
// A.47 SAVED/RESTORED). Invariant: CANSAVE + CANRESTORE + OTHERWIN = NWINDOWS - 2.
#include <catch2/catch.hpp>

#include <vector>

#include "tests/unit/isa_harness.h"

using namespace isa_test;
using namespace isa_test::sparc;

namespace {

struct WinState {
  unsigned cwp, cansave, canrestore, otherwin, cleanwin;
  bool operator==(const WinState& o) const {
    return cwp == o.cwp && cansave == o.cansave && canrestore == o.canrestore &&
           otherwin == o.otherwin && cleanwin == o.cleanwin;
  }
};
WinState win(const StrandState& s) {
  return {s.cwp, s.cansave, s.canrestore, s.otherwin, s.cleanwin};
}
std::ostream& operator<<(std::ostream& os, const WinState& w) {
  return os << "{cwp=" << w.cwp << " cansave=" << w.cansave << " canrestore=" << w.canrestore
            << " otherwin=" << w.otherwin << " cleanwin=" << w.cleanwin << "}";
}

void set_windows(StrandState& s, unsigned cansave, unsigned canrestore, unsigned otherwin,
                 unsigned cleanwin) {
  s.cansave = uint8_t(cansave);
  s.canrestore = uint8_t(canrestore);
  s.otherwin = uint8_t(otherwin);
  s.cleanwin = uint8_t(cleanwin);
}

// Emulation of an OS spill/fill handler pair (what the user-mode runner or a kernel does):
// the spilled window's locals and ins go to a stack, then SAVED / RESTORED bookkeeping.
struct WindowRecord {
  uint64_t locals[8], ins[8];
};
void emulate_spill(StrandState& s, std::vector<WindowRecord>& stack) {
  s.save_window();
  unsigned w = (s.cwp + s.cansave + 2) % kNWindows;   // the oldest valid window
  unsigned prev = (w + kNWindows - 1) % kNWindows;     // its ins are prev's outs
  WindowRecord rec;
  for (int i = 0; i < 8; ++i) {
    rec.locals[i] = s.win[w][8 + i];
    rec.ins[i] = s.win[prev][i];
  }
  stack.push_back(rec);
  s.cansave++;   // SAVED with OTHERWIN = 0
  s.canrestore--;
}
void emulate_fill(StrandState& s, std::vector<WindowRecord>& stack) {
  s.save_window();
  unsigned w = (s.cwp + kNWindows - 1) % kNWindows;   // the window RESTORE moves to
  unsigned prev = (w + kNWindows - 1) % kNWindows;
  WindowRecord rec = stack.back();
  stack.pop_back();
  for (int i = 0; i < 8; ++i) {
    s.win[w][8 + i] = rec.locals[i];
    s.win[prev][i] = rec.ins[i];
  }
  s.load_window();
  s.canrestore++;   // RESTORED with OTHERWIN = 0
  s.cansave--;
}

}  // namespace

TEST_CASE("save/restore slide the window: outs become ins", "[window]") {
  Machine m;
  m.set(O0, 0x11);
  m.set(L0, 0xaa);
  m.set(SP, 0x10000);
  RunResult r = m.exec({save_imm(SP, SP, -176)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(win(m.s) == WinState{1, 5, 1, 0, 6});
  CHECK(m.r(I0) == 0x11);        // caller's %o0
  CHECK(m.r(FP) == 0x10000);     // caller's %sp
  CHECK(m.r(SP) == 0x10000 - 176);   // computed from the old window, written in the new
  CHECK(m.r(L0) == 0);           // fresh locals
  CHECK(m.r(O0) == 0);

  r = m.exec({mov_imm(L0, 0xbb), mov_imm(G1, 0x99), arith_imm(ADD, I0, I0, 1),
              restore_imm(O3, I0, 5)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(win(m.s) == WinState{0, 6, 0, 0, 6});
  CHECK(m.r(O0) == 0x12);        // modified through the callee's %i0
  CHECK(m.r(O3) == 0x12 + 5);    // restore: rs1 + op2 from the callee window into caller's rd
  CHECK(m.r(L0) == 0xaa);        // caller's locals untouched
  CHECK(m.r(G1) == 0x99);        // globals are shared
  CHECK(m.r(SP) == 0x10000);
}

TEST_CASE("save with CANSAVE = 0 raises a spill trap and changes nothing", "[window][trap]") {
  Machine m;
  set_windows(m.s, 0, 6, 0, 6);
  m.set(O0, 5);
  m.set(L0, 6);
  RunResult r = m.exec({save_imm(O2, O0, 1)});
  CHECK(r.trap == TT_SPILL_0_NORMAL);
  CHECK(r.trap == 0x80);
  CHECK(win(m.s) == WinState{0, 0, 6, 0, 6});
  CHECK(m.s.pc == kBase);
  CHECK(m.r(O0) == 5);
  CHECK(m.r(L0) == 6);
  CHECK(m.r(O2) == 0);

  Machine n;   // WSTATE.NORMAL selects the vector
  set_windows(n.s, 0, 6, 0, 6);
  n.s.wstate = 3;
  CHECK(n.exec({save()}).trap == 0x8c);

  Machine o;   // OTHERWIN != 0: spill_n_other with WSTATE.OTHER
  set_windows(o.s, 0, 5, 1, 6);
  o.s.wstate = (2 << 3) | 1;
  CHECK(o.exec({save()}).trap == 0xa8);
  CHECK(win(o.s) == WinState{0, 0, 5, 1, 6});
}

TEST_CASE("restore with CANRESTORE = 0 raises a fill trap", "[window][trap]") {
  Machine m;
  m.set(I0, 0x33);
  RunResult r = m.exec({restore_imm(O1, I0, 1)});
  CHECK(r.trap == TT_FILL_0_NORMAL);
  CHECK(r.trap == 0xc0);
  CHECK(win(m.s) == WinState{0, 6, 0, 0, 6});
  CHECK(m.r(I0) == 0x33);
  CHECK(m.s.pc == kBase);

  Machine n;
  n.s.wstate = 1;
  CHECK(n.exec({restore()}).trap == 0xc4);

  Machine o;
  set_windows(o.s, 5, 0, 1, 6);
  o.s.wstate = (3 << 3);
  CHECK(o.exec({restore()}).trap == 0xec);
}

TEST_CASE("save raises clean_window when CLEANWIN = CANRESTORE", "[window][trap]") {
  Machine m;
  set_windows(m.s, 6, 0, 0, 0);
  m.set(O0, 1);
  RunResult r = m.exec({save_imm(O0, O0, 1)});
  CHECK(r.trap == TT_CLEAN_WINDOW);
  CHECK(r.trap == 0x24);
  CHECK(win(m.s) == WinState{0, 6, 0, 0, 0});
  CHECK(m.r(O0) == 1);

  Machine n;   // two valid windows, none clean
  n.s.set_cwp(2);
  set_windows(n.s, 4, 2, 0, 2);
  CHECK(n.exec({save()}).trap == TT_CLEAN_WINDOW);
  CHECK(win(n.s) == WinState{2, 4, 2, 0, 2});

  Machine c;   // one clean window: save succeeds and CLEANWIN is unchanged
  set_windows(c.s, 6, 0, 0, 1);
  CHECK(c.exec({save()}).trap == TT_NONE);
  CHECK(win(c.s) == WinState{1, 5, 1, 0, 1});

  Machine p;   // spill has priority over clean_window
  set_windows(p.s, 0, 6, 0, 6);
  CHECK(p.exec({save()}).trap == TT_SPILL_0_NORMAL);
}

TEST_CASE("flushw traps while any other window is valid", "[window][flushw]") {
  Machine m;
  CHECK(m.exec({flushw()}).trap == TT_NONE);   // CANSAVE = NWINDOWS - 2: nothing to flush

  Machine n;
  RunResult r = n.exec({save(), save(), flushw()});
  CHECK(r.trap == TT_SPILL_0_NORMAL);
  CHECK(r.executed == 2);
  CHECK(n.s.pc == kBase + 8);
  CHECK(win(n.s) == WinState{2, 4, 2, 0, 6});

  Machine o;
  set_windows(o.s, 4, 0, 2, 6);
  o.s.wstate = (1 << 3) | 2;
  CHECK(o.exec({flushw()}).trap == TT_SPILL_0_OTHER + 4);
  CHECK(win(o.s) == WinState{0, 4, 0, 2, 6});
}

TEST_CASE("8 nested saves and 8 restores with emulated spill/fill preserve every window",
          "[window][spill]") {
  Machine m;
  m.set(G1, kData);
  m.set(I1, 0x1ff);
  std::vector<uint32_t> p;
  for (int k = 0; k < 8; ++k) {
    p.push_back(mov_imm(L0, 0x100 + k));
    p.push_back(mov_imm(O1, 0x200 + k));
    p.push_back(save());
  }
  p.push_back(mov_imm(L0, 0x108));
  p.push_back(mov_imm(O1, 0x208));
  auto record = [&] {
    p.push_back(mem_imm(STX, L0, G1, 0));
    p.push_back(mem_imm(STX, O1, G1, 8));
    p.push_back(mem_imm(STX, I1, G1, 16));
    p.push_back(arith_imm(ADD, G1, G1, 24));
  };
  record();
  for (int k = 7; k >= 0; --k) {
    p.push_back(restore());
    record();
  }
  m.load(p);

  std::vector<WindowRecord> stack;
  int spills = 0, fills = 0;
  RunResult r;
  for (int guard = 0; guard < 50; ++guard) {
    r = m.run(100000);
    if (r.trap == TT_SPILL_0_NORMAL) {
      emulate_spill(m.s, stack);
      ++spills;
    } else if (r.trap == TT_FILL_0_NORMAL) {
      emulate_fill(m.s, stack);
      ++fills;
    } else {
      break;
    }
  }
  CHECK(m.at_end(r));
  CHECK(spills == 2);
  CHECK(fills == 2);
  CHECK(stack.empty());
  CHECK(win(m.s) == WinState{0, 6, 0, 0, 6});
  for (int j = 0; j <= 8; ++j) {
    int level = 8 - j;
    INFO("level " << level);
    uint64_t rec = kData + 24 * j;
    CHECK(m.mem.r64(rec) == uint64_t(0x100 + level));
    CHECK(m.mem.r64(rec + 8) == uint64_t(0x200 + level));
    CHECK(m.mem.r64(rec + 16) == uint64_t(level == 0 ? 0x1ff : 0x200 + level - 1));
  }
  CHECK(m.r(L0) == 0x100);
  CHECK(m.r(O1) == 0x200);
  CHECK(m.r(I1) == 0x1ff);
}

TEST_CASE("return restores the window and jumps - its delay slot runs in the caller's window",
          "[window][return]") {
  Machine m;
  m.set(SP, kData + 0x1000);
  RunResult r = m.run_to_trap({
      mov_imm(O0, 0x42),          // [0]
      call(4),                    // [1] -> [5]
      nop(),                      // [2]
      mov_imm(L5, 1),             // [3] return point (%o7 + 8)
      illtrap(),                  // [4]
      save_imm(SP, SP, -176),     // [5]
      arith_imm(ADD, L0, I0, 1),  // [6]
      return_imm(I7, 8),          // [7]
      arith_imm(ADD, O0, O0, 1),  // [8] delay slot: caller's %o0
  });
  CHECK(r.trap == TT_ILLEGAL_INSTRUCTION);
  CHECK(m.s.pc == kBase + 16);
  CHECK(m.r(L5) == 1);
  CHECK(m.r(O0) == 0x43);
  CHECK(m.r(L0) == 0);
  CHECK(win(m.s) == WinState{0, 6, 0, 0, 6});

  Machine f;   // RETURN with CANRESTORE = 0 is a fill trap
  CHECK(f.exec({return_imm(I7, 8)}).trap == TT_FILL_0_NORMAL);
}

TEST_CASE("saved/restored are privileged and adjust the window counters",
          "[window][privileged]") {
  Machine u;
  CHECK(u.exec({saved()}).trap == TT_PRIVILEGED_OPCODE);
  CHECK(u.exec({restored()}).trap == TT_PRIVILEGED_OPCODE);

  Machine m;
  m.privileged(true);
  set_windows(m.s, 4, 2, 0, 6);
  REQUIRE(m.exec({saved()}).trap == TT_NONE);
  CHECK(win(m.s) == WinState{0, 5, 1, 0, 6});
  REQUIRE(m.exec({restored()}).trap == TT_NONE);
  CHECK(win(m.s) == WinState{0, 4, 2, 0, 7});

  Machine o;   // with OTHERWIN != 0 the other windows are consumed first
  o.privileged(true);
  set_windows(o.s, 3, 1, 2, 7);
  REQUIRE(o.exec({saved()}).trap == TT_NONE);
  CHECK(win(o.s) == WinState{0, 4, 1, 1, 7});
  REQUIRE(o.exec({restored()}).trap == TT_NONE);
  CHECK(win(o.s) == WinState{0, 4, 2, 0, 7});
}

TEST_CASE("rdpr/wrpr of the window registers in privileged mode", "[window][privileged]") {
  Machine m;
  m.privileged(true);
  RunResult r = m.exec({save(), rdpr(PR_CWP, G1), rdpr(PR_CANSAVE, G2), rdpr(PR_CANRESTORE, G3),
                        rdpr(PR_CLEANWIN, G4), wrpr_imm(PR_CWP, G0, 5), rdpr(PR_CWP, G5)});
  REQUIRE(r.trap == TT_NONE);
  CHECK(m.r(G1) == 1);
  CHECK(m.r(G2) == 5);
  CHECK(m.r(G3) == 1);
  CHECK(m.r(G4) == 6);
  CHECK(m.r(G5) == 5);
  CHECK(m.s.cwp == 5);
}

TEST_CASE("privileged spill/fill/clean_window handlers in SPARC code, then retry",
          "[window][trap][privileged]") {
  // Trap table at kBase; handlers use SAVED/RESTORED/WRPR and RETRY the faulting SAVE or
  // RESTORE. enter_trap moves CWP as V9 requires (spill: CWP + CANSAVE + 2, fill: CWP - 1,
  // clean_window: CWP + 1).
  Machine m;
  m.privileged(true);
  m.s.tba = kBase;
  const uint64_t code = kBase + 0x8000;
  m.load({saved(), retry()}, kBase + TT_SPILL_0_NORMAL * 32);
  m.load({restored(), retry()}, kBase + TT_FILL_0_NORMAL * 32);
  m.load({rdpr(PR_CLEANWIN, L0), arith_imm(ADD, L0, L0, 1), wrpr(PR_CLEANWIN, L0, G0), retry()},
         kBase + TT_CLEAN_WINDOW * 32);

  SECTION("spill") {
    m.s.set_cwp(2);
    set_windows(m.s, 0, 6, 0, 6);
    RunResult r = m.run_to_trap({save()}, code);
    REQUIRE(r.trap == TT_SPILL_0_NORMAL);
    m.s.enter_trap(r.trap);
    CHECK(m.s.cwp == 4);   // 2 + 0 + 2
    r = m.run(2);          // saved; retry
    REQUIRE(r.trap == TT_NONE);
    CHECK(m.s.pc == code);
    CHECK(win(m.s) == WinState{2, 1, 5, 0, 6});
    r = m.run(1);   // the save now succeeds
    REQUIRE(r.trap == TT_NONE);
    CHECK(win(m.s) == WinState{3, 0, 6, 0, 6});
  }
  SECTION("fill") {
    m.s.set_cwp(5);
    RunResult r = m.run_to_trap({restore()}, code);
    REQUIRE(r.trap == TT_FILL_0_NORMAL);
    m.s.enter_trap(r.trap);
    CHECK(m.s.cwp == 4);
    r = m.run(2);   // restored; retry
    REQUIRE(r.trap == TT_NONE);
    CHECK(win(m.s) == WinState{5, 5, 1, 0, 7});
    r = m.run(1);
    REQUIRE(r.trap == TT_NONE);
    CHECK(win(m.s) == WinState{4, 6, 0, 0, 7});
  }
  SECTION("clean_window") {
    m.s.set_cwp(1);
    set_windows(m.s, 6, 0, 0, 0);
    RunResult r = m.run_to_trap({save()}, code);
    REQUIRE(r.trap == TT_CLEAN_WINDOW);
    m.s.enter_trap(r.trap);
    CHECK(m.s.cwp == 2);
    r = m.run(4);
    REQUIRE(r.trap == TT_NONE);
    CHECK(m.s.pc == code);
    CHECK(win(m.s) == WinState{1, 6, 0, 0, 1});
    r = m.run(1);
    REQUIRE(r.trap == TT_NONE);
    CHECK(win(m.s) == WinState{2, 5, 1, 0, 1});
  }
}

// Linux sparc64's getcontext/setcontext software traps (ta 0x6e / ta 0x6f), which glibc's
// setjmp and longjmp use. The jmp_buf is a ucontext: uc_link, uc_flags, an 8-byte signal
// mask, then mcontext { gregs[19] (tstate pc npc y g1-g7 o0-o7), fp, i7, fpu }.
#include <csignal>

#include <fmt/format.h>

#include "sim/user/linux_process.h"

namespace vfsim::user {

using namespace isa;

namespace {
constexpr uint64_t kMcontext = 32;
constexpr uint64_t kGregs = kMcontext;            // 19 x 8
constexpr uint64_t kMcFp = kMcontext + 152;
constexpr uint64_t kMcI7 = kMcontext + 160;
constexpr uint64_t kFregs = kMcontext + 176;      // 32 doubles
constexpr uint64_t kFsr = kMcontext + 432, kFprs = kMcontext + 440, kGsr = kMcontext + 448;
constexpr uint64_t kFpEnab = kMcontext + 466;
constexpr uint64_t kStackBias = 2047;
enum { MC_TSTATE = 0, MC_PC, MC_NPC, MC_Y, MC_G1, MC_O0 = 11 };
}  // namespace

bool LinuxProcess::put64(uint64_t va, uint64_t v) {
  uint64_t be = __builtin_bswap64(v);
  return as_.write(va, &be, 8);
}
bool LinuxProcess::get64(uint64_t va, uint64_t& v) {
  uint64_t be;
  if (!as_.read(va, &be, 8)) return false;
  v = __builtin_bswap64(be);
  return true;
}

void LinuxProcess::flush_windows() {
  while (state_.cansave != kNWindows - 2 && !exited_) spill_window();
}

// ta 0x6e: save the caller's context into the ucontext at %o0 and continue after the trap.
void LinuxProcess::get_context() {
  StrandState& s = state_;
  flush_windows();
  if (exited_) return;
  uint64_t uc = s.r(8);
  uint64_t pc = s.npc, npc = s.npc + 4;
  bool ok = put64(uc + 16, blocked_);   // the signal mask
  ok = ok && put64(uc + kGregs + 8 * MC_TSTATE,
                   (uint64_t(s.ccr) << 32) | (uint64_t(s.asi) << 24) | s.cwp);
  ok = ok && put64(uc + kGregs + 8 * MC_PC, pc) && put64(uc + kGregs + 8 * MC_NPC, npc);
  ok = ok && put64(uc + kGregs + 8 * MC_Y, s.y);
  for (unsigned i = 1; i < 8 && ok; ++i) ok = put64(uc + kGregs + 8 * (MC_G1 + i - 1), s.r(i));
  for (unsigned i = 0; i < 8 && ok; ++i) ok = put64(uc + kGregs + 8 * (MC_O0 + i), s.r(8 + i));
  ok = ok && put64(uc + kMcFp, s.r(30)) && put64(uc + kMcI7, s.r(31));
  bool fpu = s.fprs & 4;
  if (ok && fpu) {
    for (unsigned i = 0; i < 32 && ok; ++i) ok = put64(uc + kFregs + 8 * i, s.fd(2 * i));
    ok = ok && put64(uc + kFsr, s.fsr) && put64(uc + kFprs, s.fprs) && put64(uc + kGsr, s.gsr);
  }
  uint8_t enab = fpu ? 1 : 0;
  ok = ok && as_.write(uc + kFpEnab, &enab, 1);
  if (!ok) return kill(SIGSEGV, fmt::format("getcontext: bad ucontext {:#x}", uc));
  s.pc = pc;
  s.npc = npc;
}

// ta 0x6f: resume the context saved in the ucontext at %o0. As on Linux, every window is
// flushed first, the signal mask comes back when %o1 asks for it, the saved %fp/%i7 are written into the frame at the restored %sp, and the
// current window is refilled from that frame.
void LinuxProcess::set_context() {
  StrandState& s = state_;
  flush_windows();
  if (exited_) return;
  uint64_t uc = s.r(8), v = 0;
  bool restore_mask = s.r(9) != 0;   // glibc's longjmp passes its savemask flag in %o1
  uint64_t g[19];
  bool ok = true;
  for (unsigned i = 0; i < 19 && ok; ++i) ok = get64(uc + kGregs + 8 * i, g[i]);
  uint64_t fp = 0, i7 = 0;
  ok = ok && get64(uc + kMcFp, fp) && get64(uc + kMcI7, i7);
  if (!ok || ((g[MC_PC] | g[MC_NPC]) & 3))
    return kill(SIGSEGV, fmt::format("setcontext: bad ucontext {:#x}", uc));
  uint8_t enab = 0;
  as_.read(uc + kFpEnab, &enab, 1);
  if (enab) {
    for (unsigned i = 0; i < 32 && ok; ++i) {
      ok = get64(uc + kFregs + 8 * i, v);
      s.set_fd(2 * i, v);
    }
    if (ok && get64(uc + kFsr, v)) s.fsr = v;
    if (ok && get64(uc + kGsr, v)) s.gsr = v;
  }
  s.ccr = uint8_t(g[MC_TSTATE] >> 32);
  s.asi = uint8_t(g[MC_TSTATE] >> 24);
  s.y = g[MC_Y];
  for (unsigned i = 1; i < 8; ++i) s.set_r(i, g[MC_G1 + i - 1]);
  for (unsigned i = 0; i < 8; ++i) s.set_r(8 + i, g[MC_O0 + i]);
  uint64_t sp = s.r(14);
  uint64_t frame = (sp & 1) ? sp + kStackBias : (sp & 0xffffffffull);
  if (!(sp & 1)) return kill(SIGSEGV, "setcontext: 32-bit stack frame");
  ok = put64(frame + 8 * 14, fp) && put64(frame + 8 * 15, i7);
  for (unsigned i = 0; i < 16 && ok; ++i) {
    ok = get64(frame + 8 * i, v);
    s.set_r(16 + i, v);
  }
  if (!ok) return kill(SIGSEGV, fmt::format("setcontext: bad stack {:#x}", sp));
  s.pc = g[MC_PC];
  s.npc = g[MC_NPC];
  if (restore_mask && get64(uc + 16, v)) {
    blocked_ = v & ~((1ull << 8) | (1ull << 16));   // never SIGKILL (9) or SIGSTOP (17)
    deliver_pending();
  }
}

}  // namespace vfsim::user

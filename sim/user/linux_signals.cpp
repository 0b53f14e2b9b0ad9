// POSIX signals for the user-mode process, as Linux sparc64 delivers them: sparc signal
// numbers, rt_sigaction/rt_sigprocmask/rt_sigpending, kill/tgkill, faults turned into
// SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP, a signal frame on the user stack, and
// rt_sigreturn through the restorer glibc registers. The frame's saved-register area is
// our own layout (only we read it back); siginfo follows the sparc64 ABI.
#include <csignal>

#include <fmt/format.h>

#include "sim/isa/decoder.h"
#include "sim/isa/disasm.h"
#include "sim/user/linux_process.h"

namespace vfsim::user {

using namespace isa;

namespace {
constexpr uint64_t kStackBias = 2047;
constexpr uint64_t kSigDfl = 0, kSigIgn = 1;
constexpr uint64_t kSaResetHand = 4, kSaNoDefer = 0x20;

// Frame below the interrupted %sp: a 176-byte save area for the handler's window, siginfo,
// then the saved state.
constexpr uint64_t kInfoOff = 176, kInfoSize = 128;
constexpr uint64_t kSaveOff = kInfoOff + kInfoSize;
constexpr unsigned kSavedWords = 8 + 32 + 32;   // misc + r0..r31 + 32 doubles
constexpr uint64_t kFrameSize = (kSaveOff + 8 * kSavedWords + 15) & ~15ull;

uint64_t bit(int sig) { return 1ull << (sig - 1); }
bool default_ignores(int sig) { return sig == 16 || sig == 19 || sig == 20 || sig == 28 || sig == 17 || sig == 18; }
}  // namespace

// sparc signal numbers -> host signal numbers (for ending the simulator's own process
// status the way a real kill would).
int host_signal(int sig) {
  static const int map[33] = {0, SIGHUP, SIGINT, SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGSYS /*EMT*/,
      SIGFPE, SIGKILL, SIGBUS, SIGSEGV, SIGSYS, SIGPIPE, SIGALRM, SIGTERM, SIGURG, SIGSTOP,
      SIGTSTP, SIGCONT, SIGCHLD, SIGTTIN, SIGTTOU, SIGIO, SIGXCPU, SIGXFSZ, SIGVTALRM, SIGPROF,
      SIGWINCH, SIGPWR, SIGUSR1, SIGUSR2, SIGSYS};
  return sig > 0 && sig < 33 ? map[sig] : SIGKILL;
}

int64_t LinuxProcess::sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t restorer) {
  if (sig < 1 || sig > 64 || ((sig == 9 || sig == 17) && act)) return -22;
  SigAction& sa = sigact_[sig];
  if (oact) {
    bool ok = put64(oact, sa.handler) && put64(oact + 8, sa.flags) && put64(oact + 16, sa.restorer) &&
              put64(oact + 24, sa.mask);
    if (!ok) return -14;
  }
  if (act) {
    SigAction n;
    if (!get64(act, n.handler) || !get64(act + 8, n.flags) || !get64(act + 24, n.mask)) return -14;
    n.restorer = restorer;   // sparc64 passes the restorer as the 4th argument
    sa = n;
    if (sa.handler == kSigIgn || (sa.handler == kSigDfl && default_ignores(int(sig))))
      pending_ &= ~bit(int(sig));
  }
  return 0;
}

int64_t LinuxProcess::sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset) {
  uint64_t old = blocked_;
  if (set) {
    uint64_t m;
    if (!get64(set, m)) return -14;
    if (how == 1) blocked_ |= m;
    else if (how == 2) blocked_ &= ~m;
    else if (how == 4) blocked_ = m;
    else return -22;
    blocked_ &= ~(bit(9) | bit(17));   // SIGKILL and SIGSTOP cannot be blocked
  }
  if (oset && !put64(oset, old)) return -14;
  return 0;
}

// A signal sent to the process (kill, tgkill, a fault): deliver, queue or act by default.
void LinuxProcess::raise_signal(int sig, int code, uint64_t addr) {
  const SigAction& sa = sigact_[sig];
  bool sync = code > 0 && (sig == 4 || sig == 5 || sig == 8 || sig == 10 || sig == 11);
  if (sa.handler == kSigIgn || (sa.handler == kSigDfl && default_ignores(sig))) {
    if (!sync) return;
  }
  if ((blocked_ & bit(sig)) && !sync) {
    pending_ |= bit(sig);
    pending_code_[sig] = {code, addr};
    return;
  }
  if (sa.handler == kSigDfl || sa.handler == kSigIgn || (blocked_ & bit(sig))) {
    // Default action (or a blocked/ignored synchronous fault, which Linux forces): terminate.
    return kill(host_signal(sig), fault_text_.empty() ? "raised by the program" : fault_text_);
  }
  deliver(sig, code, addr);
}

void LinuxProcess::deliver_pending() {
  while (!exited_ && (pending_ & ~blocked_)) {
    int sig = __builtin_ctzll(pending_ & ~blocked_) + 1;
    pending_ &= ~bit(sig);
    auto [code, addr] = pending_code_[sig];
    raise_signal(sig, code, addr);
  }
}

void LinuxProcess::deliver(int sig, int code, uint64_t addr) {
  StrandState& s = state_;
  SigAction& sa = sigact_[sig];
  flush_windows();
  if (exited_) return;
  uint64_t sp = s.r(14) + kStackBias;
  uint64_t frame = (sp - kFrameSize) & ~15ull;
  bool ok = true;
  // siginfo: si_signo, si_errno, si_code, then the union (si_addr+si_trapno or si_pid+si_uid).
  std::vector<uint8_t> info(kInfoSize, 0);
  auto be32 = [&](size_t off, uint32_t v) { for (int i = 0; i < 4; ++i) info[off + i] = uint8_t(v >> (24 - 8 * i)); };
  be32(0, uint32_t(sig));
  be32(8, uint32_t(code));
  if (code > 0) {
    for (int i = 0; i < 8; ++i) info[16 + i] = uint8_t(addr >> (56 - 8 * i));
  } else {
    be32(16, 4242);   // si_pid: ourselves
    be32(20, 1000);   // si_uid
  }
  ok = as_.write(frame + kInfoOff, info.data(), info.size());
  uint64_t w[kSavedWords];
  w[0] = s.pc; w[1] = s.npc; w[2] = s.y; w[3] = s.ccr | (uint64_t(s.asi) << 8) | (uint64_t(s.fprs) << 16);
  w[4] = s.fsr; w[5] = s.gsr; w[6] = blocked_; w[7] = 0;
  for (unsigned i = 0; i < 32; ++i) w[8 + i] = s.r(i);
  for (unsigned i = 0; i < 32; ++i) w[40 + i] = s.fd(2 * i);
  for (unsigned i = 0; i < kSavedWords && ok; ++i) ok = put64(frame + kSaveOff + 8 * i, w[i]);
  if (!ok) return kill(SIGSEGV, fmt::format("cannot write the signal frame at {:#x}", frame));
  blocked_ |= sa.mask | ((sa.flags & kSaNoDefer) ? 0 : bit(sig));
  blocked_ &= ~(bit(9) | bit(17));
  uint64_t handler = sa.handler, restorer = sa.restorer;
  if (sa.flags & kSaResetHand) sa.handler = kSigDfl;
  s.set_r(8, uint64_t(sig));
  s.set_r(9, frame + kInfoOff);
  s.set_r(10, frame + kInfoOff);
  s.set_r(14, frame - kStackBias);
  s.set_r(15, restorer);   // glibc passes its stub minus 8: `ret`/`retl` lands on the stub
  s.pc = handler;
  s.npc = handler + 4;
}

// rt_sigreturn: the restorer runs with %sp at the frame we built.
void LinuxProcess::sigreturn() {
  StrandState& s = state_;
  flush_windows();
  if (exited_) return;
  uint64_t frame = s.r(14) + kStackBias;
  uint64_t w[kSavedWords];
  bool ok = true;
  for (unsigned i = 0; i < kSavedWords && ok; ++i) ok = get64(frame + kSaveOff + 8 * i, w[i]);
  if (!ok || ((w[0] | w[1]) & 3)) return kill(SIGSEGV, "rt_sigreturn: bad signal frame");
  s.pc = w[0]; s.npc = w[1]; s.y = w[2];
  s.ccr = uint8_t(w[3]); s.asi = uint8_t(w[3] >> 8); s.fprs = uint8_t(w[3] >> 16);
  s.fsr = w[4]; s.gsr = w[5]; blocked_ = w[6] & ~(bit(9) | bit(17));
  for (unsigned i = 1; i < 32; ++i) s.set_r(i, w[8 + i]);
  for (unsigned i = 0; i < 32; ++i) {
    s.f[2 * i] = uint32_t(w[40 + i] >> 32);
    s.f[2 * i + 1] = uint32_t(w[40 + i]);
  }
  deliver_pending();
}

// A trap Linux turns into a signal: which signal, si_code and si_addr.
void LinuxProcess::fault_signal(Trap t, const std::string& text) {
  StrandState& s = state_;
  uint32_t word = 0;
  as_.read(s.pc, &word, 4);
  word = __builtin_bswap32(word);
  Insn d;
  decode(word, d);
  uint64_t ea = s.r(d.rs1) + (d.use_imm ? uint64_t(d.imm) : s.r(d.rs2));
  if (d.spec && d.spec->fmt == Fmt::Cas) ea = s.r(d.rs1);
  int sig, code;
  uint64_t addr = s.pc;
  if (t == TT_DIVISION_BY_ZERO) { sig = 8; code = 1; }                       // FPE_INTDIV
  else if (t == TT_FP_EXCEPTION_IEEE_754) {
    uint64_t c = s.fsr & 0x1f;
    sig = 8;
    code = (c & FEX_NV) ? 7 : (c & FEX_OF) ? 4 : (c & FEX_UF) ? 5 : (c & FEX_DZ) ? 3 : 6;
  } else if (t == TT_FP_EXCEPTION_OTHER) { sig = 8; code = 7; }
  else if (t == TT_MEM_ADDRESS_NOT_ALIGNED) { sig = 10; code = 1; addr = ea; }   // BUS_ADRALN
  else if (t == TT_DATA_ACCESS_EXCEPTION) {
    sig = 11; addr = ea;
    code = as_.is_mapped(ea, 1) ? 2 : 1;                                          // SEGV_ACCERR/MAPERR
  } else if (t == TT_INSTRUCTION_ACCESS_EXCEPTION) { sig = 11; code = as_.is_mapped(s.pc, 1) ? 2 : 1; }
  else if (t == TT_TRAP_INSTRUCTION + 1) { sig = 5; code = 1; }                  // TRAP_BRKPT
  else if (t == TT_PRIVILEGED_OPCODE || t == TT_PRIVILEGED_ACTION) { sig = 4; code = 5; }   // ILL_PRVOPC
  else { sig = 4; code = 1; }                                                   // ILL_ILLOPC
  fault_text_ = text;
  raise_signal(sig, code, addr);
  fault_text_.clear();
}

}  // namespace vfsim::user

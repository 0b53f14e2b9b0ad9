#include "sim/user/linux_process.h"

#include <csignal>
#include <cstring>

#include <fmt/format.h>

#include "sim/isa/decoder.h"
#include "sim/isa/disasm.h"
#include "sim/isa/mem_access.h"
#include "sim/isa/window_traps.h"

namespace vfsim::user {

using namespace isa;

namespace {
constexpr uint64_t kStackTop = 0x7ff00000000ull;   // like Linux's sparc64 STACK_TOP area
constexpr uint64_t kStackBias = 2047;
constexpr uint64_t kSyscallTrap = TT_TRAP_INSTRUCTION + 0x6d;   // ta 0x6d: 64-bit syscall
constexpr uint64_t kFlushWindowsTrap = TT_TRAP_INSTRUCTION + 0x03;
constexpr uint64_t kBreakpointTrap = TT_TRAP_INSTRUCTION + 0x01;
constexpr uint64_t kGetContextTrap = TT_TRAP_INSTRUCTION + 0x6e;   // glibc setjmp
constexpr uint64_t kSetContextTrap = TT_TRAP_INSTRUCTION + 0x6f;   // glibc longjmp

enum AuxType : uint64_t {
  AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
  AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14,
  AT_PLATFORM = 15, AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25,
  AT_EXECFN = 31,
};
}  // namespace

LinuxProcess::LinuxProcess(const ProcessOptions& opt) : opt_(opt), interp_(state_) {
  state_.mem = &as_;
  as_.on_code_change = [this](uint64_t va) { interp_.invalidate_page(va); };
  as_.on_unmap_page = [this](uint64_t va) { state_.tlb.flush_page(va); };
  ElfImage im = load_elf(opt.path, as_);
  brk_start_ = brk_ = im.brk_start;
  as_.map(kStackTop - opt_.stack_size, opt_.stack_size, PROT_R | PROT_W);
  mmap_top_ = kStackTop - opt_.stack_size - (16ull << 20);
  setup_stack(im);
  state_.pc = im.entry;
  state_.npc = im.entry + 4;
  state_.pstate = PSTATE_PEF;   // user mode, FPU enabled
  state_.fprs = 4;
}

// The initial stack as Linux's sparc64 ELF loader lays it out: a register window save area,
// then argc, argv[], NULL, envp[], NULL, auxv pairs; strings above. %sp is biased by 2047.
void LinuxProcess::setup_stack(const ElfImage& im) {
  uint64_t p = kStackTop;
  auto push_bytes = [&](const void* data, size_t n) {
    p -= n;
    as_.poke(p, data, n);
    return p;
  };
  auto push_str = [&](const std::string& s) { return push_bytes(s.c_str(), s.size() + 1); };

  uint64_t execfn = push_str(opt_.path);
  std::vector<uint64_t> argv_addr, env_addr;
  for (const auto& a : opt_.argv) argv_addr.push_back(push_str(a));
  for (const auto& e : opt_.envp) env_addr.push_back(push_str(e));
  uint64_t platform = push_str("sun4v");
  uint8_t rnd[16];
  for (auto& b : rnd) { rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull; b = uint8_t(rng_ >> 56); }
  uint64_t random = push_bytes(rnd, 16);

  std::vector<uint64_t> words;
  words.push_back(argv_addr.size());
  for (uint64_t a : argv_addr) words.push_back(a);
  words.push_back(0);
  for (uint64_t e : env_addr) words.push_back(e);
  words.push_back(0);
  auto aux = [&](uint64_t k, uint64_t v) { words.push_back(k); words.push_back(v); };
  aux(AT_PHDR, im.phdr);
  aux(AT_PHENT, im.phentsize);
  aux(AT_PHNUM, im.phnum);
  aux(AT_PAGESZ, kPageSize);
  aux(AT_BASE, 0);
  aux(AT_FLAGS, 0);
  aux(AT_ENTRY, im.entry);
  aux(AT_UID, 1000); aux(AT_EUID, 1000); aux(AT_GID, 1000); aux(AT_EGID, 1000);
  aux(AT_PLATFORM, platform);
  aux(AT_HWCAP, kT2Hwcap);
  aux(AT_CLKTCK, 100);
  aux(AT_SECURE, 0);
  aux(AT_RANDOM, random);
  aux(AT_EXECFN, execfn);
  aux(AT_NULL, 0);

  p &= ~15ull;
  uint64_t base = (p - words.size() * 8) & ~15ull;
  for (size_t i = 0; i < words.size(); ++i) {
    uint64_t be = __builtin_bswap64(words[i]);
    as_.poke(base + 8 * i, &be, 8);
  }
  // _start finds argc one register window (16 words) above the biased %sp.
  state_.set_r(14, base - 128 - kStackBias);
  state_.set_r(30, 0);
  state_.set_r(1, 0);   // %g1: no atexit handler from a dynamic linker
}

void LinuxProcess::kill(int host_signal, const std::string& why) {
  fmt::print(stderr, "sparc64-run: {} - program terminated by signal {} ({})\n", why,
             host_signal, strsignal(host_signal));
  exited_ = true;
  status_ = 128 + host_signal;
}

void LinuxProcess::spill_window() {
  uint64_t sp = window_trap_stack(state_, true);
  if (spill_window_to_stack(state_)) kill(SIGSEGV, fmt::format("window spill to bad stack {:#x}", sp));
}

void LinuxProcess::fill_window() {
  uint64_t sp = window_trap_stack(state_, false);
  if (fill_window_from_stack(state_)) kill(SIGSEGV, fmt::format("window fill from bad stack {:#x}", sp));
}

bool LinuxProcess::handle_trap(Trap t) {
  StrandState& s = state_;
  auto skip = [&] { s.pc = s.npc; s.npc += 4; };
  uint32_t word = 0;
  as_.read(s.pc, &word, 4);
  word = __builtin_bswap32(word);
  auto where = [&] {
    return fmt::format("{} at pc {:#x} (insn {:#010x}: {})", trap_name(t), s.pc, word,
                       disassemble(word, s.pc));
  };
  if (t == kSyscallTrap) {
    syscall();
  } else if (is_spill(t)) {
    spill_window();
  } else if (is_fill(t)) {
    fill_window();
  } else if (t == TT_CLEAN_WINDOW) {
    clean_window(s);
  } else if (t == TT_FP_DISABLED) {
    if (s.fpu_enabled()) { kill(SIGILL, where()); }
    s.fprs |= 4;
    s.pstate |= PSTATE_PEF;
  } else if (t == kFlushWindowsTrap) {
    flush_windows();
    skip();
  } else if (t == kGetContextTrap) {
    get_context();
  } else if (t == kSetContextTrap) {
    set_context();
  } else if (t == TT_LDDF_MEM_ADDRESS_NOT_ALIGNED || t == TT_STDF_MEM_ADDRESS_NOT_ALIGNED) {
    // Linux completes word-aligned LDDF/STDF in its trap handler.
    Insn d;
    decode(word, d);
    uint64_t va = s.r(d.rs1) + (d.use_imm ? uint64_t(d.imm) : s.r(d.rs2));
    unsigned fr = dreg(d.rd);
    uint32_t w2[2];
    if (t == TT_LDDF_MEM_ADDRESS_NOT_ALIGNED) {
      if (!as_.read(va, w2, 8)) { kill(SIGSEGV, where()); return false; }
      s.set_fs(fr, __builtin_bswap32(w2[0]));
      s.set_fs(fr + 1, __builtin_bswap32(w2[1]));
    } else {
      w2[0] = __builtin_bswap32(s.fs(fr));
      w2[1] = __builtin_bswap32(s.fs(fr + 1));
      if (!as_.write(va, w2, 8)) { kill(SIGSEGV, where()); return false; }
    }
    skip();
  } else {
    // Everything else is a fault Linux turns into a signal; a handler may catch it.
    fault_signal(t, where());
  }
  return !exited_;
}

int LinuxProcess::run() {
  // Traced part: one instruction at a time, each printed before it executes.
  while (!exited_ && opt_.trace && state_.icount < opt_.trace_limit) {
    uint32_t word = 0;
    as_.read(state_.pc, &word, 4);
    word = __builtin_bswap32(word);
    fmt::print(opt_.trace, "{:>10} {:#014x} {:08x}  {}\n", state_.icount, state_.pc, word,
               disassemble(word, state_.pc));
    RunResult r = interp_.run(1);
    if (r.trap != TT_NONE) {
      fmt::print(opt_.trace, "{:>10} trap {:#05x} {}\n", state_.icount, r.trap, trap_name(r.trap));
      if (!handle_trap(r.trap)) break;
    }
  }
  while (!exited_) {
    RunResult r = interp_.run(~0ull);
    if (r.trap != TT_NONE && !handle_trap(r.trap)) break;
  }
  return status_;
}

}  // namespace vfsim::user

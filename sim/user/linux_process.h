// One Linux process on one strand: ELF image, stack with argv/envp/auxv as Linux builds it,
// the system-call layer, and the traps an OS handles for user code (window spill/fill,
// clean window, FP enable, misaligned LDDF/STDF, FLUSHW) handled the way Linux does.
#pragma once
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "sim/isa/interpreter.h"
#include "sim/isa/strand_state.h"
#include "sim/user/address_space.h"
#include "sim/user/elf_loader.h"

namespace vfsim::user {

struct ProcessOptions {
  std::string path;                  // ELF to run
  std::vector<std::string> argv;     // argv[0] included
  std::vector<std::string> envp;
  uint64_t stack_size = 64ull << 20; // grows on demand up to this
  std::FILE* trace = nullptr;        // instruction trace (pc, word, disassembly) or null
  uint64_t trace_limit = 0;          // stop tracing after this many instructions
};

// AT_HWCAP of an UltraSPARC T2 under Linux: V9 basics, block-init stores, N2, and the
// capabilities the T2's machine description lists (mul32 div32 fsmuld v8plus popc vis vis2
// ASIBlkInit). glibc uses it to pick its Niagara-2 string/memory routines.
constexpr uint64_t kT2Hwcap = 0xffdf;

class LinuxProcess {
 public:
  explicit LinuxProcess(const ProcessOptions& opt);   // throws LoadError
  // Runs until the process exits; returns the exit status as a shell would see it
  // (0-255, or 128+signal when killed by a signal).
  int run();

  uint64_t instructions() const { return state_.icount; }
  const std::map<std::string, uint64_t>& unknown_syscalls() const { return unknown_; }
  isa::StrandState& state() { return state_; }
  AddressSpace& memory() { return as_; }

 private:
  void setup_stack(const ElfImage& im);
  bool handle_trap(isa::Trap t);      // false when the process ended
  void syscall();
  void spill_window();
  void fill_window();
  void flush_windows();
  void get_context();
  void set_context();
  bool put64(uint64_t va, uint64_t v);
  bool get64(uint64_t va, uint64_t& v);
  void kill(int host_signal, const std::string& why);

  // signals (linux_signals.cpp); sparc signal numbers 1..64
  struct SigAction { uint64_t handler = 0, flags = 0, restorer = 0, mask = 0; };
  int64_t sys_rt_sigaction(uint64_t sig, uint64_t act, uint64_t oact, uint64_t restorer);
  int64_t sys_rt_sigprocmask(uint64_t how, uint64_t set, uint64_t oset);
  void raise_signal(int sig, int code, uint64_t addr);
  void deliver(int sig, int code, uint64_t addr);
  void deliver_pending();
  void sigreturn();
  void fault_signal(isa::Trap t, const std::string& text);
  SigAction sigact_[65];
  uint64_t blocked_ = 0, pending_ = 0;
  std::map<int, std::pair<int, uint64_t>> pending_code_;
  std::string fault_text_;
  bool no_syscall_return_ = false;
  bool pending_check_ = false, nr_was_tgkill_ = false;
  int raise_after_syscall_ = 0;

  // syscalls (sysdeps in linux_syscalls.cpp)
  int64_t sys(uint64_t nr, const uint64_t a[6]);

  ProcessOptions opt_;
  AddressSpace as_;
  isa::StrandState state_;
  isa::Interpreter interp_;
  uint64_t brk_start_ = 0, brk_ = 0;
  uint64_t mmap_top_ = 0;
  bool exited_ = false;
  int status_ = 0;
  uint64_t rng_ = 0x9e3779b97f4a7c15ull;   // deterministic getrandom()/AT_RANDOM
  std::map<std::string, uint64_t> unknown_;
};

}  // namespace vfsim::user

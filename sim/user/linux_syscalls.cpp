// The Linux system-call layer of the user-mode runner (sparc64 numbers and structure
// layouts). File descriptors map straight to the host's, as in qemu-user.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "sim/user/linux_process.h"
#include "sim/user/syscall_names.h"

namespace vfsim::user {

using namespace isa;

namespace {

// sparc64 Linux system call numbers (asm/unistd_64.h).
enum : uint64_t {
  NR_exit = 1, NR_brk = 17, NR_read = 3, NR_write = 4, NR_open = 5, NR_close = 6, NR_unlink = 10,
  NR_chdir = 12, NR_lseek = 19, NR_getpid = 20, NR_getuid = 24, NR_access = 33,
  NR_kill = 37, NR_dup = 41, NR_pipe = 42, NR_getgid = 47, NR_geteuid = 49, NR_getegid = 50,
  NR_ioctl = 54, NR_readlink = 58, NR_fstat = 62, NR_getpagesize = 64, NR_mmap = 71,
  NR_munmap = 73, NR_mprotect = 74, NR_madvise = 75, NR_getppid = 197, NR_dup2 = 90,
  NR_fcntl = 92, NR_fsync = 95, NR_rt_sigreturn = 101, NR_rt_sigaction = 102,
  NR_rt_sigprocmask = 103, NR_gettimeofday = 116, NR_getrusage = 117, NR_readv = 120,
  NR_writev = 121, NR_getrlimit = 144, NR_getcwd = 119, NR_set_tid_address = 166,
  NR_sched_yield = 245, NR_futex = 142, NR_gettid = 143, NR_exit_group = 188, NR_uname = 189,
  NR_sysinfo = 214, NR_mremap = 250, NR_clock_gettime = 256 + 1, NR_clock_getres = 258,
  NR_nanosleep = 249, NR_tgkill = 211, NR_openat = 284, NR_mkdirat = 285,
  NR_newfstatat_compat = 289, NR_unlinkat = 290, NR_readlinkat = 294, NR_faccessat = 296,
  NR_set_robust_list = 300, NR_prlimit64 = 331, NR_getrandom = 347, NR_statx = 360,
  NR_clock_nanosleep = 259, NR_pread64 = 67, NR_pwrite64 = 68, NR_getdents64 = 154,
  NR_rseq = 365, NR_rt_sigpending = 104, NR_sched_getaffinity = 260, NR_llseek = 236, NR_dup3 = 320, NR_pipe2 = 321,
};

// sparc errno values differ from the host's for many codes (asm/errno.h).
int64_t sparc_errno(int host) {
  switch (host) {
    case EAGAIN: return 11;
    case EDEADLK: return 78;
    case ENAMETOOLONG: return 63;
    case ENOLCK: return 79;
    case ENOSYS: return 90;
    case ENOTEMPTY: return 66;
    case ELOOP: return 62;
    case ENOMSG: return 75;
    case EOVERFLOW: return 92;
    case ENOTSUP: return 45;
    case ETIMEDOUT: return 60;
    case ECONNREFUSED: return 61;
    case EINPROGRESS: return 36;
    default: return host <= 34 ? host : 22;   // 1..34 are the same on both
  }
}
int64_t err(int host) { return -sparc_errno(host); }
int64_t host_ret(int64_t r) { return r < 0 ? err(errno) : r; }

// open(2) flags: sparc values -> host values.
int host_open_flags(uint64_t f) {
  int h = int(f & 3);
  struct { uint64_t sparc; int host; } map[] = {
      {0x0008, O_APPEND}, {0x0200, O_CREAT}, {0x0400, O_TRUNC}, {0x0800, O_EXCL},
      {0x2000, O_DSYNC}, {0x4000, O_NONBLOCK}, {0x8000, O_NOCTTY}, {0x10000, O_DIRECTORY},
      {0x20000, O_NOFOLLOW}, {0x400000, O_CLOEXEC}, {0x1000000, O_PATH},
  };
  for (auto& m : map)
    if (f & m.sparc) h |= m.host;
  return h;
}
// ... and back (F_GETFL).
uint64_t sparc_open_flags(int h) {
  uint64_t f = uint64_t(h & 3);
  struct { uint64_t sparc; int host; } map[] = {
      {0x0008, O_APPEND}, {0x2000, O_DSYNC}, {0x4000, O_NONBLOCK}, {0x10000, O_DIRECTORY},
      {0x20000, O_NOFOLLOW}, {0x400000, O_CLOEXEC},
  };
  for (auto& m : map)
    if (h & m.host) f |= m.sparc;
  return f;
}

void put64(std::vector<uint8_t>& b, size_t off, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[off + i] = uint8_t(v >> (56 - 8 * i));
}
void put32(std::vector<uint8_t>& b, size_t off, uint32_t v) {
  for (int i = 0; i < 4; ++i) b[off + i] = uint8_t(v >> (24 - 8 * i));
}
void put16(std::vector<uint8_t>& b, size_t off, uint16_t v) {
  b[off] = uint8_t(v >> 8);
  b[off + 1] = uint8_t(v);
}

// struct stat64 of sparc64 (used by fstatat64/newfstatat): 0x68 bytes... see asm/stat.h.
std::vector<uint8_t> stat64_bytes(const struct stat& st) {
  std::vector<uint8_t> b(136, 0);
  put64(b, 0, st.st_dev);
  put64(b, 8, st.st_ino);
  put64(b, 16, st.st_nlink);
  put32(b, 24, st.st_mode);
  put32(b, 28, st.st_uid);
  put32(b, 32, st.st_gid);
  put64(b, 40, st.st_rdev);
  put64(b, 48, uint64_t(st.st_size));
  put64(b, 56, uint64_t(st.st_blksize));
  put64(b, 64, uint64_t(st.st_blocks));
  put64(b, 72, uint64_t(st.st_atim.tv_sec));
  put64(b, 80, uint64_t(st.st_atim.tv_nsec));
  put64(b, 88, uint64_t(st.st_mtim.tv_sec));
  put64(b, 96, uint64_t(st.st_mtim.tv_nsec));
  put64(b, 104, uint64_t(st.st_ctim.tv_sec));
  put64(b, 112, uint64_t(st.st_ctim.tv_nsec));
  return b;
}
// struct stat of sparc64 (fstat): 4+pad,8,4,2+pad,4,4,4+pad,8*7...
std::vector<uint8_t> stat_bytes(const struct stat& st) {
  std::vector<uint8_t> b(104, 0);
  put32(b, 0, uint32_t(st.st_dev));
  put64(b, 8, st.st_ino);
  put32(b, 16, st.st_mode);
  put16(b, 20, uint16_t(st.st_nlink));
  put32(b, 24, st.st_uid);
  put32(b, 28, st.st_gid);
  put32(b, 32, uint32_t(st.st_rdev));
  put64(b, 40, uint64_t(st.st_size));
  put64(b, 48, uint64_t(st.st_atim.tv_sec));
  put64(b, 56, uint64_t(st.st_mtim.tv_sec));
  put64(b, 64, uint64_t(st.st_ctim.tv_sec));
  put64(b, 72, uint64_t(st.st_blksize));
  put64(b, 80, uint64_t(st.st_blocks));
  return b;
}

int dirfd_host(uint64_t fd) { return int32_t(fd) == -100 ? AT_FDCWD : int(int32_t(fd)); }

}  // namespace

void LinuxProcess::syscall() {
  StrandState& s = state_;
  uint64_t a[6];
  for (int i = 0; i < 6; ++i) a[i] = s.r(8 + i);
  nr_was_tgkill_ = s.r(1) == NR_tgkill;
  int64_t r = sys(s.r(1), a);
  if (exited_) return;
  if (no_syscall_return_) {   // rt_sigreturn restored a whole context
    no_syscall_return_ = false;
    return;
  }
  // Linux sparc64 returns errors as a positive errno with the carry bits set.
  if (r < 0 && r > -4096) {
    s.set_r(8, uint64_t(-r));
    s.ccr |= CC_C | (CC_C << 4);
  } else {
    s.set_r(8, uint64_t(r));
    s.ccr &= uint8_t(~(CC_C | (CC_C << 4)));
  }
  s.pc = s.npc;
  s.npc += 4;
  // Signals raised by this call (kill, tgkill) or unblocked by it are delivered on the way
  // back to user mode, as the kernel does.
  if (raise_after_syscall_) {
    int sig = raise_after_syscall_;
    raise_after_syscall_ = 0;
    raise_signal(sig, nr_was_tgkill_ ? -6 : 0, 0);
  }
  if (pending_check_) {
    pending_check_ = false;
    deliver_pending();
  }
}

int64_t LinuxProcess::sys(uint64_t nr, const uint64_t a[6]) {
  auto path_arg = [&](uint64_t va, std::string& out) { return as_.read_string(va, out, 4096); };
  switch (nr) {
    case NR_exit:
    case NR_exit_group:
      exited_ = true;
      status_ = int(a[0] & 0xff);
      return 0;
    case NR_read:
    case NR_pread64: {
      std::vector<uint8_t> buf(a[2]);
      ssize_t n = nr == NR_read ? ::read(int(a[0]), buf.data(), buf.size())
                                : ::pread(int(a[0]), buf.data(), buf.size(), off_t(a[3]));
      if (n < 0) return err(errno);
      if (!as_.write(a[1], buf.data(), uint64_t(n))) return -14;
      return n;
    }
    case NR_write:
    case NR_pwrite64: {
      std::vector<uint8_t> buf(a[2]);
      if (!as_.read(a[1], buf.data(), buf.size())) return -14;
      return host_ret(nr == NR_write ? ::write(int(a[0]), buf.data(), buf.size())
                                     : ::pwrite(int(a[0]), buf.data(), buf.size(), off_t(a[3])));
    }
    case NR_readv:
    case NR_writev: {
      int64_t total = 0;
      for (uint64_t i = 0; i < a[2]; ++i) {
        uint64_t iov[2];
        if (!as_.read(a[1] + 16 * i, iov, 16)) return -14;
        uint64_t base = __builtin_bswap64(iov[0]), len = __builtin_bswap64(iov[1]);
        std::vector<uint8_t> buf(len);
        if (nr == NR_writev) {
          if (!as_.read(base, buf.data(), len)) return -14;
          ssize_t n = ::write(int(a[0]), buf.data(), len);
          if (n < 0) return total ? total : err(errno);
          total += n;
          if (uint64_t(n) < len) break;
        } else {
          ssize_t n = ::read(int(a[0]), buf.data(), len);
          if (n < 0) return total ? total : err(errno);
          if (!as_.write(base, buf.data(), uint64_t(n))) return -14;
          total += n;
          if (uint64_t(n) < len) break;
        }
      }
      return total;
    }
    case NR_open:
    case NR_openat: {
      std::string p;
      uint64_t pa = nr == NR_open ? a[0] : a[1], fl = nr == NR_open ? a[1] : a[2];
      uint64_t mode = nr == NR_open ? a[2] : a[3];
      if (!path_arg(pa, p)) return -14;
      int dfd = nr == NR_open ? AT_FDCWD : dirfd_host(a[0]);
      return host_ret(::openat(dfd, p.c_str(), host_open_flags(fl), mode_t(mode)));
    }
    case NR_close:
      if (a[0] <= 2) return 0;   // keep the runner's own stdio
      return host_ret(::close(int(a[0])));
    case NR_lseek: return host_ret(::lseek(int(a[0]), off_t(a[1]), int(a[2])));
    case NR_dup: return host_ret(::dup(int(a[0])));
    case NR_dup2: return host_ret(::dup2(int(a[0]), int(a[1])));
    case NR_dup3: return host_ret(::dup3(int(a[0]), int(a[1]), host_open_flags(a[2]) & O_CLOEXEC));
    case NR_pipe:
    case NR_pipe2: {
      int fds[2];
      if (::pipe2(fds, nr == NR_pipe2 ? host_open_flags(a[1]) & (O_NONBLOCK | O_CLOEXEC) : 0) < 0)
        return err(errno);
      if (nr == NR_pipe) {   // sparc's pipe(2) returns both descriptors in %o0/%o1
        state_.set_r(9, uint64_t(fds[1]));
        return fds[0];
      }
      uint32_t be[2] = {__builtin_bswap32(uint32_t(fds[0])), __builtin_bswap32(uint32_t(fds[1]))};
      return as_.write(a[0], be, 8) ? 0 : -14;
    }
    case NR_fcntl:
      switch (a[1]) {
        case 0: return host_ret(::fcntl(int(a[0]), F_DUPFD, int(a[2])));
        case 1: return host_ret(::fcntl(int(a[0]), F_GETFD));
        case 2: return host_ret(::fcntl(int(a[0]), F_SETFD, int(a[2])));
        case 3: {
          int r = ::fcntl(int(a[0]), F_GETFL);
          return r < 0 ? err(errno) : int64_t(sparc_open_flags(r));
        }
        case 4: return host_ret(::fcntl(int(a[0]), F_SETFL, host_open_flags(a[2])));
        default: return -22;   // locks and the rest: EINVAL
      }
    case NR_llseek: {
      off_t r = ::lseek(int(a[0]), off_t((a[1] << 32) | uint32_t(a[2])), int(a[4]));
      if (r < 0) return err(errno);
      return put64(a[3], uint64_t(r)) ? 0 : -14;
    }
    case NR_fsync: return host_ret(::fsync(int(a[0])));
    case NR_unlink: case NR_unlinkat: {
      std::string p;
      if (!path_arg(nr == NR_unlink ? a[0] : a[1], p)) return -14;
      int dfd = nr == NR_unlink ? AT_FDCWD : dirfd_host(a[0]);
      return host_ret(::unlinkat(dfd, p.c_str(), nr == NR_unlink ? 0 : int(a[2] & 0x200 ? AT_REMOVEDIR : 0)));
    }
    case NR_access: case NR_faccessat: {
      std::string p;
      if (!path_arg(nr == NR_access ? a[0] : a[1], p)) return -14;
      int dfd = nr == NR_access ? AT_FDCWD : dirfd_host(a[0]);
      return host_ret(::faccessat(dfd, p.c_str(), int(nr == NR_access ? a[1] : a[2]), 0));
    }
    case NR_getcwd: {
      char buf[4096];
      if (!::getcwd(buf, sizeof buf)) return err(errno);
      size_t n = strlen(buf) + 1;
      if (n > a[1]) return -34;
      if (!as_.write(a[0], buf, n)) return -14;
      return int64_t(n);
    }
    case NR_fstat: {
      struct stat st;
      if (::fstat(int(a[0]), &st) < 0) return err(errno);
      auto b = stat_bytes(st);
      return as_.write(a[1], b.data(), b.size()) ? 0 : -14;
    }
    case NR_newfstatat_compat: {
      std::string p;
      if (!path_arg(a[1], p)) return -14;
      struct stat st;
      int fl = (a[3] & 0x1000 ? AT_EMPTY_PATH : 0) | (a[3] & 0x100 ? AT_SYMLINK_NOFOLLOW : 0);
      if (::fstatat(dirfd_host(a[0]), p.c_str(), &st, fl) < 0) return err(errno);
      auto b = stat64_bytes(st);
      return as_.write(a[2], b.data(), b.size()) ? 0 : -14;
    }
    case NR_ioctl:
      return -25;   // ENOTTY: the runner presents no terminals (TCGETS fails like a pipe)
    case NR_brk: {
      if (a[0] == 0 || a[0] < brk_start_) return int64_t(brk_);
      uint64_t want = a[0];
      uint64_t old_top = (brk_ + kPageSize - 1) & ~(kPageSize - 1);
      uint64_t new_top = (want + kPageSize - 1) & ~(kPageSize - 1);
      if (new_top > old_top) {
        if (as_.is_mapped(old_top, new_top - old_top) && new_top > old_top) {
          // something else lives there
          bool clash = false;
          for (uint64_t p = old_top; p < new_top; p += kPageSize)
            if (as_.is_mapped(p, 1)) { clash = true; break; }
          if (clash) return int64_t(brk_);
        }
        as_.map(old_top, new_top - old_top, PROT_R | PROT_W);
      } else if (new_top < old_top) {
        as_.unmap(new_top, old_top - new_top);
      }
      brk_ = want;
      return int64_t(brk_);
    }
    case NR_mmap: {
      uint64_t len = (a[1] + kPageSize - 1) & ~(kPageSize - 1);
      uint64_t flags = a[3];
      if (len == 0) return -22;
      if (!(flags & 0x20)) return -19;   // only MAP_ANONYMOUS (0x20 on sparc): ENODEV
      uint8_t prot = (a[2] & 1 ? PROT_R : 0) | (a[2] & 2 ? PROT_W : 0) | (a[2] & 4 ? PROT_X : 0);
      uint64_t addr;
      if (flags & 0x10) {   // MAP_FIXED
        addr = a[0];
        if (addr & (kPageSize - 1)) return -22;
      } else {
        addr = as_.find_free(len, mmap_top_);
        if (!addr) return -12;
      }
      as_.map(addr, len, prot);
      return int64_t(addr);
    }
    case NR_munmap:
      if (a[0] & (kPageSize - 1)) return -22;
      as_.unmap(a[0], a[1]);
      return 0;
    case NR_mprotect: {
      uint8_t prot = (a[2] & 1 ? PROT_R : 0) | (a[2] & 2 ? PROT_W : 0) | (a[2] & 4 ? PROT_X : 0);
      return as_.protect(a[0], a[1], prot) ? 0 : -12;
    }
    case NR_madvise: return 0;
    case NR_mremap: {
      // Grow/shrink in place when possible, else move (MREMAP_MAYMOVE) by copying.
      uint64_t old = a[0], olen = (a[1] + kPageSize - 1) & ~(kPageSize - 1);
      uint64_t nlen = (a[2] + kPageSize - 1) & ~(kPageSize - 1);
      if ((old & (kPageSize - 1)) || !nlen || !as_.is_mapped(old, olen)) return -22;
      if (nlen <= olen) {
        if (nlen < olen) as_.unmap(old + nlen, olen - nlen);
        return int64_t(old);
      }
      bool free_after = true;
      for (uint64_t p = old + olen; p < old + nlen; p += kPageSize)
        if (as_.is_mapped(p, 1)) { free_after = false; break; }
      if (free_after && old + nlen <= mmap_top_) {
        as_.map(old + olen, nlen - olen, PROT_R | PROT_W);
        return int64_t(old);
      }
      if (!(a[3] & 1)) return -12;   // no MREMAP_MAYMOVE: ENOMEM
      uint64_t to = as_.find_free(nlen, mmap_top_);
      if (!to) return -12;
      as_.map(to, nlen, PROT_R | PROT_W);
      std::vector<uint8_t> buf(olen);
      if (!as_.read(old, buf.data(), olen) || !as_.write(to, buf.data(), olen)) return -14;
      as_.unmap(old, olen);
      return int64_t(to);
    }
    case NR_set_tid_address: return 4242;
    case NR_gettid: case NR_getpid: return 4242;
    case NR_getppid: return 1;
    case NR_getuid: case NR_geteuid: case NR_getgid: case NR_getegid: return 1000;
    case NR_set_robust_list: return 0;
    case NR_rseq: return -90;
    case NR_futex: return (a[1] & 0x7f) == 1 ? 0 : -11;   // WAKE: nobody; WAIT: EAGAIN
    case NR_sched_yield: return 0;
    case NR_sched_getaffinity: {
      uint64_t mask = __builtin_bswap64(1);
      if (a[1] < 8) return -22;
      return as_.write(a[2], &mask, 8) ? 8 : -14;
    }
    case NR_getrlimit:
    case NR_prlimit64: {
      uint64_t res = nr == NR_getrlimit ? a[0] : a[1];
      uint64_t out = nr == NR_getrlimit ? a[1] : a[3];
      if (!out) return 0;
      uint64_t cur = ~0ull, max = ~0ull;
      if (res == 3) cur = opt_.stack_size;   // RLIMIT_STACK
      if (res == 7) cur = max = 1024;        // RLIMIT_NOFILE
      uint64_t be[2] = {__builtin_bswap64(cur), __builtin_bswap64(max)};
      return as_.write(out, be, 16) ? 0 : -14;
    }
    case NR_readlink:
    case NR_readlinkat: {
      std::string p;
      uint64_t pa = nr == NR_readlink ? a[0] : a[1], buf = nr == NR_readlink ? a[1] : a[2];
      uint64_t n = nr == NR_readlink ? a[2] : a[3];
      if (!path_arg(pa, p)) return -14;
      std::string target;
      if (p == "/proc/self/exe") {
        char rp[4096];
        target = ::realpath(opt_.path.c_str(), rp) ? rp : opt_.path;
      } else {
        char tb[4096];
        ssize_t k = ::readlink(p.c_str(), tb, sizeof tb);
        if (k < 0) return err(errno);
        target.assign(tb, size_t(k));
      }
      uint64_t k = std::min<uint64_t>(n, target.size());
      return as_.write(buf, target.data(), k) ? int64_t(k) : -14;
    }
    case NR_getrandom: {
      // Deterministic: a run is reproducible, as the simulator promises.
      std::vector<uint8_t> b(a[1]);
      for (auto& x : b) { rng_ = rng_ * 6364136223846793005ull + 1442695040888963407ull; x = uint8_t(rng_ >> 56); }
      return as_.write(a[0], b.data(), b.size()) ? int64_t(b.size()) : -14;
    }
    case NR_uname: {
      char u[6 * 65] = {};
      const char* f[6] = {"Linux", "vfsim", "6.1.0", "#1 SMP vfsim", "sparc64", "(none)"};
      for (int i = 0; i < 6; ++i) std::strncpy(u + 65 * i, f[i], 64);
      return as_.write(a[0], u, sizeof u) ? 0 : -14;
    }
    case NR_clock_gettime: {
      struct timespec ts;
      ::clock_gettime(clockid_t(a[0]), &ts);
      uint64_t be[2] = {__builtin_bswap64(uint64_t(ts.tv_sec)), __builtin_bswap64(uint64_t(ts.tv_nsec))};
      return as_.write(a[1], be, 16) ? 0 : -14;
    }
    case NR_clock_getres: {
      uint64_t be[2] = {0, __builtin_bswap64(1)};
      return (!a[1] || as_.write(a[1], be, 16)) ? 0 : -14;
    }
    case NR_gettimeofday: {
      struct timespec ts;
      ::clock_gettime(CLOCK_REALTIME, &ts);
      // sparc64 struct timeval: 64-bit seconds, 32-bit microseconds (+ padding)
      uint64_t sec = __builtin_bswap64(uint64_t(ts.tv_sec));
      uint32_t usec[2] = {__builtin_bswap32(uint32_t(ts.tv_nsec / 1000)), 0};
      if (a[0] && (!as_.write(a[0], &sec, 8) || !as_.write(a[0] + 8, usec, 8))) return -14;
      return 0;
    }
    case NR_nanosleep:
    case NR_clock_nanosleep:
      return 0;   // simulated programs do not wait for the host clock
    case NR_rt_sigaction: return sys_rt_sigaction(a[0], a[1], a[2], a[3]);
    case NR_rt_sigprocmask: {
      int64_t r = sys_rt_sigprocmask(a[0], a[1], a[2]);
      pending_check_ = true;
      return r;
    }
    case NR_rt_sigpending: return put64(a[0], pending_) ? 0 : -14;
    case NR_rt_sigreturn:
      no_syscall_return_ = true;
      sigreturn();
      return 0;
    case NR_kill:
    case NR_tgkill: {
      uint64_t sig = nr == NR_kill ? a[1] : a[2];
      if (sig == 0) return 0;
      if (sig > 64) return -22;
      raise_after_syscall_ = int(sig);
      return 0;
    }
    default: {
      std::string name = syscall_name(nr);
      unknown_[fmt::format("{} ({})", name, nr)]++;
      return -90;   // ENOSYS
    }
  }
}

}  // namespace vfsim::user

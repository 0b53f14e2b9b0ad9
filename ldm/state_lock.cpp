#include "ldm/state_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace vfsim::ldm {

bool StateLock::acquire(const std::string& state_dir, std::string& why) {
  path_ = state_dir + "/ldmd.lock";
  fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) {
    why = "cannot open " + path_ + ": " + std::strerror(errno);
    return false;
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    int e = errno;
    char buf[32] = {};
    ssize_t n = ::pread(fd_, buf, sizeof buf - 1, 0);
    std::string pid = n > 0 ? std::string(buf, size_t(n)) : "";
    while (!pid.empty() && (pid.back() == '\n' || pid.back() == ' ')) pid.pop_back();
    ::close(fd_);
    fd_ = -1;
    if (e != EWOULDBLOCK) {
      why = "cannot lock " + path_ + ": " + std::strerror(e);
      return false;
    }
    why = "another ldmd" + (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos ? "" : " (pid " + pid + ")") +
          " is using the state directory " + state_dir + " (it holds " + path_ + ")";
    return false;
  }
  record_pid();
  return true;
}

void StateLock::record_pid() {
  if (fd_ < 0) return;
  std::string pid = std::to_string(::getpid()) + "\n";
  if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) == ssize_t(pid.size())) return;
}

StateLock::~StateLock() {
  if (fd_ >= 0) ::close(fd_);   // the lock goes with the descriptor; the file stays (harmless)
}

}  // namespace vfsim::ldm

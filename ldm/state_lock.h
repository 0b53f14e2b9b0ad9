// One ldmd per state directory: STATE-DIR/ldmd.lock is held with flock(2) for the daemon's
// life (the kernel releases it when the process dies, so a crash leaves no stale lock) and
// holds the owner's pid, for the message a second ldmd prints.
#pragma once
#include <string>

namespace vfsim::ldm {

class StateLock {
 public:
  // Takes the lock; false and `why` (one line naming the file and, if known, the holder's pid)
  // when another process holds it or the file cannot be made.
  bool acquire(const std::string& state_dir, std::string& why);
  // Writes the current pid into the lock file (again after daemon(3) forked).
  void record_pid();
  ~StateLock();

 private:
  int fd_ = -1;
  std::string path_;
};

}  // namespace vfsim::ldm

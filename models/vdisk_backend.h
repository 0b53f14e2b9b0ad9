// A vdsdev's backend: a raw disk image in a host file (what `ldm add-vdsdev` names). Reads
// and writes go to the file at once; flush is fsync. Opened at bind time so a missing or
// unreadable file is reported then, not at the first I/O.
#pragma once
#include <cstdint>
#include <string>

namespace vfsim::models {

class DiskImage {
 public:
  static constexpr uint32_t kBlockSize = 512;
  // Open path (read-only if ro). Throws std::runtime_error with the reason ("No such file").
  DiskImage(const std::string& path, bool ro);
  ~DiskImage();
  DiskImage(const DiskImage&) = delete;
  DiskImage& operator=(const DiskImage&) = delete;

  // Create (or extend) a sparse image of `bytes` bytes, as mkfile -n does.
  static void create_sparse(const std::string& path, uint64_t bytes);

  const std::string& path() const { return path_; }
  uint64_t blocks() const { return bytes_ / kBlockSize; }
  bool read_only() const { return ro_; }
  // 0 or an errno (EIO, EINVAL past the end, EROFS).
  int read(uint64_t offset, void* buf, uint64_t n) const;
  int write(uint64_t offset, const void* buf, uint64_t n);
  int flush();

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t bytes_ = 0;
  bool ro_;
};

}  // namespace vfsim::models

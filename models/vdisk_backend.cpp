#include "models/vdisk_backend.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace vfsim::models {

DiskImage::DiskImage(const std::string& path, bool ro) : path_(path), ro_(ro) {
  fd_ = ::open(path.c_str(), ro ? O_RDONLY : O_RDWR);
  if (fd_ < 0) throw std::runtime_error(std::strerror(errno));
  struct stat st;
  if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd_);
    throw std::runtime_error("not a regular file");
  }
  bytes_ = uint64_t(st.st_size);
  if (bytes_ < kBlockSize) {
    ::close(fd_);
    throw std::runtime_error("smaller than one 512-byte block");
  }
}

DiskImage::~DiskImage() {
  if (fd_ >= 0) ::close(fd_);
}

void DiskImage::create_sparse(const std::string& path, uint64_t bytes) {
  // Owner-only: a disk holds a guest's data. A link planted at the path is not followed.
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error(path + ": " + std::strerror(errno));
  int rc = ::ftruncate(fd, off_t(bytes));
  int err = errno;
  ::close(fd);
  if (rc != 0) throw std::runtime_error(path + ": " + std::strerror(err));
}

int DiskImage::read(uint64_t offset, void* buf, uint64_t n) const {
  if (offset > bytes_ || n > bytes_ - offset) return EINVAL;
  for (uint64_t done = 0; done < n;) {
    ssize_t k = ::pread(fd_, static_cast<char*>(buf) + done, n - done, off_t(offset + done));
    if (k <= 0) return k < 0 ? errno : EIO;
    done += uint64_t(k);
  }
  return 0;
}

int DiskImage::write(uint64_t offset, const void* buf, uint64_t n) {
  if (ro_) return EROFS;
  if (offset > bytes_ || n > bytes_ - offset) return EINVAL;
  for (uint64_t done = 0; done < n;) {
    ssize_t k = ::pwrite(fd_, static_cast<const char*>(buf) + done, n - done, off_t(offset + done));
    if (k <= 0) return k < 0 ? errno : EIO;
    done += uint64_t(k);
  }
  return 0;
}

int DiskImage::flush() { return ::fsync(fd_) == 0 ? 0 : errno; }

}  // namespace vfsim::models

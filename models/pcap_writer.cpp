#include "models/pcap_writer.h"

#include <fcntl.h>
#include <unistd.h>

namespace vfsim::models {

namespace {
constexpr uint32_t kMagicNanoseconds = 0xa1b23c4d;
constexpr uint32_t kSnapLen = 65535;
constexpr uint32_t kLinktypeEthernet = 1;

// pcap fields are in the writer's byte order, which the magic tells readers: we always
// write little-endian so the file does not depend on the host.
void le(std::FILE* f, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i, v >>= 8) std::fputc(int(v & 0xff), f);
}
}  // namespace

PcapWriter::~PcapWriter() {
  if (f_) std::fclose(f_);
}

bool PcapWriter::open(const std::string& path) {
  if (f_) std::fclose(f_);
  // Owner-only, and not through a link planted at the path: the frames are the guests' traffic.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  f_ = ::fdopen(fd, "wb");
  if (!f_) {
    ::close(fd);
    return false;
  }
  le(f_, kMagicNanoseconds, 4);
  le(f_, 2, 2);   // version 2.4
  le(f_, 4, 2);
  le(f_, 0, 4);   // thiszone: timestamps are simulated time, no zone
  le(f_, 0, 4);   // sigfigs
  le(f_, kSnapLen, 4);
  le(f_, kLinktypeEthernet, 4);
  std::fflush(f_);
  return !std::ferror(f_);
}

void PcapWriter::write(uint64_t ns, const uint8_t* frame, uint32_t len) {
  if (!f_) return;
  uint32_t caplen = len < kSnapLen ? len : kSnapLen;
  le(f_, ns / 1000000000u, 4);
  le(f_, ns % 1000000000u, 4);
  le(f_, caplen, 4);
  le(f_, len, 4);
  std::fwrite(frame, 1, caplen, f_);
  std::fflush(f_);
  ++frames_;
}

}  // namespace vfsim::models

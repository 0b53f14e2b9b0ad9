#include "sim/state/stream.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <zlib.h>

namespace vfsim::state {

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc) {
  // zlib takes a uInt length: feed it in pieces on 64-bit sizes.
  while (n) {
    uInt k = uInt(std::min<size_t>(n, 1u << 30));
    crc = uint32_t(::crc32(crc, p, k));
    p += k;
    n -= k;
  }
  return crc;
}

std::string printable(const std::string& name) {
  constexpr size_t kMax = 80;
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < name.size() && i < kMax; ++i) {
    unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
      out += char(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (name.size() > kMax) out += "...";
  return out;
}

StreamWriter::StreamWriter(Sink sink) : sink_(std::move(sink)) {
  Encoder h;
  h.bytes(kMagic, sizeof kMagic);
  h.u32(kFormatVersion);
  put(h.buf.data(), h.buf.size());
}

void StreamWriter::put(const uint8_t* p, size_t n) {
  sink_(p, n);
  bytes_ += n;
}

void StreamWriter::section(const std::string& name, uint32_t version, const uint8_t* payload, size_t n) {
  if (finished_) throw StateError("state stream: section '" + printable(name) + "' after the end");
  if (name == "end" && !ending_) throw StateError("state stream: 'end' is the end section's name");
  if (name.size() > 0xffff) throw StateError("state stream: section name too long");
  Encoder h;
  h.u32(kSectionMarker);
  h.u16(uint16_t(name.size()));
  h.bytes(name.data(), name.size());
  h.u32(version);
  h.u64(n);
  uint32_t crc = crc32(h.buf.data() + 4, h.buf.size() - 4);
  crc = crc32(payload, n, crc);
  put(h.buf.data(), h.buf.size());
  put(payload, n);
  Encoder t;
  t.u32(crc);
  put(t.buf.data(), t.buf.size());
  ++count_;
}

void StreamWriter::finish() {
  Encoder e;
  e.u32(count_);
  ending_ = true;
  section("end", 1, e);
  finished_ = true;
}

StreamReader::StreamReader(const uint8_t* p, size_t n, std::string source) : source_(std::move(source)) {
  Decoder d(p, n, source_);
  if (n < sizeof kMagic || std::memcmp(p, kMagic, sizeof kMagic) != 0)
    throw StateError(source_ + ": not a vfsim state stream (bad magic)");
  d.bytes(sizeof kMagic);
  uint32_t format = d.u32();
  if (format > kFormatVersion)
    throw StateError(source_ + ": format version " + std::to_string(format) + " is newer than this vfsim reads (" +
                     std::to_string(kFormatVersion) + ")");
  if (format == 0) throw StateError(source_ + ": format version 0 is not a vfsim format");
  for (;;) {
    size_t start = d.offset();
    // The name comes from the stream before its CRC is checked: quoted printable and short,
    // so a corrupted one still gives one line.
    auto refuse = [&](const std::string& name, const std::string& why) {
      throw StateError(source_ + ": section '" + printable(name) + "' at offset " + std::to_string(start) + ": " + why);
    };
    if (d.done()) throw StateError(source_ + " at offset " + std::to_string(start) + ": truncated: no end section");
    if (d.u32() != kSectionMarker)
      throw StateError(source_ + " at offset " + std::to_string(start) + ": no section starts here (corrupted)");
    Section s;
    uint16_t len = d.u16();
    const uint8_t* name = d.bytes(len);
    s.name.assign(reinterpret_cast<const char*>(name), len);
    s.version = d.u32();
    s.size = d.u64();
    if (s.size > d.left())
      refuse(s.name, "truncated (" + std::to_string(s.size) + " payload bytes declared, " + std::to_string(d.left()) + " left)");
    s.offset = d.offset();
    s.payload = d.bytes(s.size);
    uint32_t crc = crc32(p + start + 4, d.offset() - start - 4);
    if (d.left() < 4) refuse(s.name, "truncated (no CRC)");
    if (d.u32() != crc) refuse(s.name, "CRC mismatch (corrupted)");
    if (s.name == "end") {
      Decoder e = s.decoder(source_);
      if (e.u32() != sections_.size()) refuse(s.name, "the stream's sections do not add up (some are missing)");
      if (!e.done()) refuse(s.name, "bytes left over in the end section");
      if (!d.done()) d.fail("bytes after the end section");
      break;
    }
    if (by_name_.count(s.name)) refuse(s.name, "appears twice");
    by_name_[s.name] = sections_.size();
    sections_.push_back(std::move(s));
  }
}

const Section* StreamReader::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : &sections_[it->second];
}

const Section& StreamReader::at(const std::string& name) const {
  if (const Section* s = find(name)) return *s;
  throw StateError(source_ + ": section '" + printable(name) + "' is missing");
}

std::vector<const Section*> StreamReader::with_prefix(const std::string& prefix) const {
  std::vector<const Section*> out;
  for (const Section& s : sections_)
    if (s.name.compare(0, prefix.size(), prefix) == 0) out.push_back(&s);
  return out;
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)), tmp_(path_ + ".tmp") {
  // A fresh file of our own, owner-only: a symbolic link planted at the temporary name is
  // not followed (a stale temporary from a crash is removed first).
  ::unlink(tmp_.c_str());
  fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd_ < 0) throw StateError("cannot write " + tmp_ + ": " + std::strerror(errno));
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(tmp_.c_str());
  }
}

void AtomicFile::write(const uint8_t* p, size_t n) {
  while (n) {
    ssize_t k = ::write(fd_, p, n);
    if (k < 0 && errno == EINTR) continue;
    if (k <= 0) throw StateError("cannot write " + tmp_ + ": " + std::strerror(errno));
    p += k;
    n -= size_t(k);
  }
}

void AtomicFile::commit() {
  if (::fsync(fd_) != 0) throw StateError("cannot write " + tmp_ + ": " + std::strerror(errno));
  ::close(fd_);
  fd_ = -1;
  if (std::rename(tmp_.c_str(), path_.c_str()) != 0) {
    std::string why = std::strerror(errno);
    ::unlink(tmp_.c_str());
    throw StateError("cannot replace " + path_ + ": " + why);
  }
  size_t slash = path_.rfind('/');
  std::string dir = slash == std::string::npos ? "." : slash == 0 ? "/" : path_.substr(0, slash);
  int dfd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (dfd >= 0) {   // the new name is on disk too
    ::fsync(dfd);
    ::close(dfd);
  }
}

MappedFile::MappedFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw StateError("cannot read " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    throw StateError("cannot read " + path + ": not a regular file");
  }
  size_ = size_t(st.st_size);
  if (size_) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
    if (p == MAP_FAILED) {
      std::string why = std::strerror(errno);
      ::close(fd);
      throw StateError("cannot read " + path + ": " + why);
    }
    data_ = static_cast<const uint8_t*>(p);
  }
  ::close(fd);   // the mapping keeps the file
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<uint8_t*>(data_), size_);
}

}  // namespace vfsim::state

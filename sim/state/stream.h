// The state stream: how snapshots (and later migration) carry state. A header, then named,
// versioned sections, each with its own CRC-32, then an end section that counts them:
//
//   header   "VFSIMSTA" (8 bytes), u32 format version
//   section  u32 'SECT', u16 name length, name, u32 version, u64 payload length, payload,
//            u32 CRC-32 (zlib's) of everything from the name length to the payload's end
//   end      a section named "end" whose payload is the u32 count of sections before it
//
// Names say which part and which instance ("host", "guest ldg1/vcpu 3", "memory ldg1 0"):
// no pointers, peers are named by domain and channel id. The reader refuses, with one line
// naming the file, the section and the offset: a bad magic, a newer format, a truncated or
// corrupted section (CRC), a missing end. docs/state.md describes every section.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "sim/state/codec.h"
#include "sim/state/description.h"

namespace vfsim::state {

constexpr char kMagic[8] = {'V', 'F', 'S', 'I', 'M', 'S', 'T', 'A'};
constexpr uint32_t kFormatVersion = 1;
constexpr uint32_t kSectionMarker = 0x53454354;   // "SECT"

uint32_t crc32(const uint8_t* p, size_t n, uint32_t crc = 0);

// A section name as error messages quote it: bytes outside printable ASCII (and quote and
// backslash) as \xNN, at most 80 of them then "...". A name read from a corrupted stream can
// hold anything, and a message must stay one readable line.
std::string printable(const std::string& name);

// Writes a stream to a sink (a file, a socket, a buffer) section by section, so a large
// guest's memory never has to be held twice.
class StreamWriter {
 public:
  using Sink = std::function<void(const uint8_t*, size_t)>;
  explicit StreamWriter(Sink sink);
  void section(const std::string& name, uint32_t version, const uint8_t* payload, size_t n);
  void section(const std::string& name, uint32_t version, const Encoder& e) {
    section(name, version, e.buf.data(), e.buf.size());
  }
  // A part's state as a section of its own: the section's version is the description's.
  template <class T> void part(const std::string& name, const Description<T>& d, const T& o) {
    Encoder e;
    d.save_fields(o, e);
    section(name, d.version(), e);
  }
  void finish();   // the end section; nothing may follow
  uint64_t bytes() const { return bytes_; }
  uint32_t sections() const { return count_; }

 private:
  void put(const uint8_t* p, size_t n);
  Sink sink_;
  uint64_t bytes_ = 0;
  uint32_t count_ = 0;
  bool finished_ = false, ending_ = false;
};

struct Section {
  std::string name;
  uint32_t version = 0;
  const uint8_t* payload = nullptr;
  uint64_t size = 0;
  uint64_t offset = 0;   // of the payload in the stream
  Decoder decoder(const std::string& source) const {
    return Decoder(payload, size, source + ": section '" + printable(name) + "'", offset);
  }
};

// Reads a whole stream held in memory (the caller keeps the bytes alive). Checks the header,
// every section's CRC and the end section on construction: a stream that does not load is
// refused before any of it is applied.
class StreamReader {
 public:
  // source: what to call the stream in errors (the file name).
  StreamReader(const uint8_t* p, size_t n, std::string source);
  const std::vector<Section>& sections() const { return sections_; }
  // The section of that name; throws StateError naming it when it is missing.
  const Section& at(const std::string& name) const;
  const Section* find(const std::string& name) const;
  // Sections whose names start with prefix, in stream order.
  std::vector<const Section*> with_prefix(const std::string& prefix) const;
  // Load a part written with StreamWriter::part (its version checked against d's).
  template <class T> void part(const std::string& name, const Description<T>& d, T& o) const {
    const Section& s = at(name);
    Decoder dec = s.decoder(source_);
    d.load_fields(o, dec, d.check_version(dec, s.version));
    if (!dec.done()) dec.fail(std::to_string(dec.left()) + " bytes left over after " + d.name());
  }
  const std::string& source() const { return source_; }

 private:
  std::string source_;
  std::vector<Section> sections_;
  std::map<std::string, size_t> by_name_;
};

// A file written as temp + fsync + rename: a crash mid-write leaves the old file whole.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);   // throws StateError when it cannot be created
  ~AtomicFile();                           // not committed: the temporary file goes away
  void write(const uint8_t* p, size_t n);
  void commit();
  StreamWriter::Sink sink() {
    return [this](const uint8_t* p, size_t n) { write(p, n); };
  }

 private:
  std::string path_, tmp_;
  int fd_ = -1;
};

// A file mapped read-only, its pages brought in up front (one system call, no copy): how a
// large snapshot is read. Throws StateError.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace vfsim::state

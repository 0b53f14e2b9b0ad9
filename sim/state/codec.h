// Big-endian field packing for everything vfsim writes in a fixed layout: snapshot and
// migration streams, and the wire formats of the guest protocols (VIO, DS, LDC packets).
// Encoder appends; Decoder reads with bounds checks and throws StateError naming where it
// stopped, so a short or corrupted input is an error, never a read past the end.
#pragma once
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::state {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// n (1..8) bytes at p, most significant first.
inline uint64_t get_be(const uint8_t* p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v = v << 8 | p[i];
  return v;
}
inline void put_be(uint8_t* p, unsigned n, uint64_t v) {
  for (unsigned i = n; i-- > 0; v >>= 8) p[i] = uint8_t(v);
}
// The fixed widths, for wire formats that read a field at a known offset.
inline uint16_t be16(const uint8_t* p) { return uint16_t(get_be(p, 2)); }
inline uint32_t be32(const uint8_t* p) { return uint32_t(get_be(p, 4)); }
inline uint64_t be64(const uint8_t* p) { return get_be(p, 8); }

class Encoder {
 public:
  std::vector<uint8_t> buf;
  void be(uint64_t v, unsigned n) {
    size_t at = buf.size();
    buf.resize(at + n);
    put_be(buf.data() + at, n, v);
  }
  void u8(uint8_t v) { buf.push_back(v); }
  void u16(uint16_t v) { be(v, 2); }
  void u32(uint32_t v) { be(v, 4); }
  void u64(uint64_t v) { be(v, 8); }
  void bytes(const void* p, size_t n) {
    const uint8_t* b = static_cast<const uint8_t*>(p);
    buf.insert(buf.end(), b, b + n);
  }
  void str(const std::string& s) {   // u32 length, then the bytes
    u32(uint32_t(s.size()));
    bytes(s.data(), s.size());
  }
  size_t size() const { return buf.size(); }
};

class Decoder {
 public:
  // where: what is being read ("section 'guest ldg1'"), base: its offset in the file, for
  // error messages that name both.
  Decoder(const uint8_t* p, size_t n, std::string where = "input", uint64_t base = 0)
      : p_(p), n_(n), where_(std::move(where)), base_(base) {}
  uint64_t be(unsigned n) {
    need(n);
    uint64_t v = get_be(p_ + at_, n);
    at_ += n;
    return v;
  }
  uint8_t u8() { return uint8_t(be(1)); }
  uint16_t u16() { return uint16_t(be(2)); }
  uint32_t u32() { return uint32_t(be(4)); }
  uint64_t u64() { return be(8); }
  const uint8_t* bytes(size_t n) {
    need(n);
    const uint8_t* p = p_ + at_;
    at_ += n;
    return p;
  }
  std::string str() {
    uint32_t n = u32();
    const uint8_t* p = bytes(n);
    return std::string(reinterpret_cast<const char*>(p), n);
  }
  // A count of elements that each take at least min_bytes: refused before anything is
  // allocated when the rest of the input cannot hold them (a corrupted count).
  uint32_t count(size_t min_bytes) {
    uint32_t n = u32();
    if (min_bytes && n > left() / min_bytes) fail("a count of " + std::to_string(n) + " elements does not fit");
    return n;
  }
  size_t left() const { return n_ - at_; }
  size_t offset() const { return at_; }
  bool done() const { return at_ == n_; }
  [[noreturn]] void fail(const std::string& why) const {
    throw StateError(where_ + " at offset " + std::to_string(base_ + at_) + ": " + why);
  }
  const std::string& where() const { return where_; }

 private:
  void need(size_t n) const {
    if (n > n_ - at_) fail("truncated (" + std::to_string(n) + " bytes wanted, " + std::to_string(n_ - at_) + " left)");
  }
  const uint8_t* p_;
  size_t n_, at_ = 0;
  std::string where_;
  uint64_t base_;
};

}  // namespace vfsim::state

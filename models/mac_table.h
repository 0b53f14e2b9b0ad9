// The virtual switch's forwarding table: which port each unicast source MAC was last seen
// on. MACs are 48-bit values in the low bits of a u64, first octet most significant (as
// VIO's ATTR_INFO carries them).
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

namespace vfsim::models {

// "00:14:4f:f8:00:01" (six hex octets, ':' or '-' between them) -> the 48-bit value.
std::optional<uint64_t> parse_mac(const std::string& s);

// Bounded: a MAC beyond `capacity` entries is not learned (its frames are flooded, as for any
// unknown destination), so no sender can grow the table without limit.
class MacTable {
 public:
  static constexpr uint64_t kBroadcast = 0xffffffffffffull;
  static constexpr size_t kDefaultCapacity = 4096;
  explicit MacTable(size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  // The I/G bit (lowest bit of the first octet): broadcast and multicast are never learned
  // and always flooded.
  static bool is_group(uint64_t mac) { return (mac >> 40) & 1; }

  // A frame from `mac` came in on `port`: true when the table changed (new MAC, or a MAC
  // that moved to another port). False, and counted in refused(), when the table is full.
  bool learn(uint64_t mac, unsigned port);
  std::optional<unsigned> lookup(uint64_t mac) const;
  // A port went away (its vnet reset): its MACs must be learned again wherever they show up.
  void forget_port(unsigned port);
  size_t size() const { return table_.size(); }
  size_t count(unsigned port) const;
  size_t capacity() const { return capacity_; }
  uint64_t refused() const { return refused_; }

 private:
  std::map<uint64_t, unsigned> table_;
  size_t capacity_;
  uint64_t refused_ = 0;
};

}  // namespace vfsim::models

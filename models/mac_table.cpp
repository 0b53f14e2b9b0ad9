#include "models/mac_table.h"

namespace vfsim::models {

std::optional<uint64_t> parse_mac(const std::string& s) {
  if (s.size() != 17) return std::nullopt;
  uint64_t mac = 0;
  for (size_t i = 0; i < 17; ++i) {
    char c = s[i];
    if (i % 3 == 2) {
      if (c != ':' && c != '-') return std::nullopt;
      continue;
    }
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if (d < 0) return std::nullopt;
    mac = mac << 4 | uint64_t(d);
  }
  return mac;
}

bool MacTable::learn(uint64_t mac, unsigned port) {
  mac &= kBroadcast;
  if (is_group(mac)) return false;   // a group address as source is bogus: never a destination
  auto it = table_.find(mac);
  if (it == table_.end()) {
    if (table_.size() >= capacity_) return ++refused_, false;
    table_.emplace(mac, port);
    return true;
  }
  if (it->second == port) return false;
  it->second = port;   // the station moved: the latest frame wins
  return true;
}

std::optional<unsigned> MacTable::lookup(uint64_t mac) const {
  auto it = table_.find(mac & kBroadcast);
  if (it == table_.end()) return std::nullopt;
  return it->second;
}

void MacTable::forget_port(unsigned port) {
  for (auto it = table_.begin(); it != table_.end();)
    it = it->second == port ? table_.erase(it) : std::next(it);
}

size_t MacTable::count(unsigned port) const {
  size_t n = 0;
  for (auto& [mac, p] : table_) n += p == port;
  return n;
}

}  // namespace vfsim::models

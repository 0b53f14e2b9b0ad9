#include "ldm/units.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

namespace vfsim::ldm {

bool parse_size(const std::string& number, const std::string& unit, uint64_t& bytes) {
  std::string n = number, u = unit;
  size_t digits = 0;
  while (digits < n.size() && std::isdigit(static_cast<unsigned char>(n[digits]))) ++digits;
  if (digits == 0) return false;
  if (u.empty()) u = n.substr(digits);
  else if (digits != n.size()) return false;
  n = n.substr(0, digits);
  if (n.size() > 15) return false;
  uint64_t v = std::stoull(n);
  unsigned shift;
  if (u.empty() || u == "b" || u == "B") shift = 0;
  else if (u == "k" || u == "K") shift = 10;
  else if (u == "m" || u == "M") shift = 20;
  else if (u == "g" || u == "G") shift = 30;
  else return false;
  if (v > (~0ull >> shift)) return false;   // 17179869185G would wrap to 1 GB
  bytes = v << shift;
  return true;
}

bool parse_address(const std::string& t, uint64_t& pa) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    std::string h = t.substr(2);
    if (h.size() > 16 || !std::all_of(h.begin(), h.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); }))
      return false;
    pa = std::stoull(h, nullptr, 16);
    return true;
  }
  return parse_size(t, "", pa);
}

std::string format_mblock(uint64_t pa, uint64_t size) { return fmt::format("{:#x}:{}", pa, format_size(size)); }

std::string parse_mblocks(const std::string& text, uint64_t align, std::vector<PaBlock>& out) {
  out.clear();
  std::string malformed = fmt::format("Invalid mblock: {} (PA:size[,PA:size...], e.g. 0x180000000:256M)", text);
  size_t pos = 0;
  do {
    size_t comma = text.find(',', pos);
    std::string part = text.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
    pos = comma == std::string::npos ? std::string::npos : comma + 1;
    size_t colon = part.find(':');
    uint64_t pa = 0, size = 0;
    if (colon == std::string::npos || !parse_address(part.substr(0, colon), pa) ||
        !parse_size(part.substr(colon + 1), "", size) || size == 0 || pa + size < pa)
      return malformed;
    // The binder places memory in 4 MB blocks (the real ldm of 3.x says 256MB: C30).
    std::string mb = format_size(align);
    if (size % align) return fmt::format("The size of memory must be a multiple of {}B: {}", mb, part);
    if (pa % align) return fmt::format("The physical address of memory must be a multiple of {}B: {}", mb, part);
    out.push_back({pa, size});
  } while (pos != std::string::npos);
  return "";
}

std::string format_size(uint64_t b) {
  if (b && b % (1ull << 30) == 0) return fmt::format("{}G", b >> 30);
  if (b && b % (1ull << 20) == 0) return fmt::format("{}M", b >> 20);
  if (b && b % (1ull << 10) == 0) return fmt::format("{}K", b >> 10);
  return fmt::format("{}", b);
}

std::string format_uptime(uint64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  uint64_t d = s / 86400, h = s / 3600 % 24, m = s / 60 % 60;
  std::string out;
  if (d) out += fmt::format("{}d", d);
  if (h) out += fmt::format("{}{}h", out.empty() ? "" : " ", h);
  if (m || out.empty()) out += fmt::format("{}{}m", out.empty() ? "" : " ", m);
  return out;
}

std::string format_util(double p) {
  return p < 10 ? fmt::format("{:.1f}%", p) : fmt::format("{:.0f}%", p);
}

std::string format_mac(uint64_t mac) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", (mac >> 40) & 0xff, (mac >> 32) & 0xff,
                     (mac >> 24) & 0xff, (mac >> 16) & 0xff, (mac >> 8) & 0xff, mac & 0xff);
}

bool parse_mac(const std::string& s, uint64_t& mac) {
  mac = 0;
  size_t i = 0;
  for (int group = 0; group < 6; ++group) {
    if (group && (i >= s.size() || s[i++] != ':')) return false;
    unsigned digits = 0, v = 0;
    for (; i < s.size() && std::isxdigit(static_cast<unsigned char>(s[i])) && digits < 2; ++i, ++digits)
      v = v * 16 + unsigned(std::isdigit(static_cast<unsigned char>(s[i])) ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
    if (!digits) return false;
    mac = mac << 8 | v;
  }
  return i == s.size();
}

}  // namespace vfsim::ldm

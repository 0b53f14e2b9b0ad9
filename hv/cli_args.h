// Command-line values the hv tools share: comma lists, strand ranges and sizes.
#pragma once
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::hv::cli {

// "a,b,c" -> {"a", "b", "c"}
inline std::vector<std::string> split(const std::string& v) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t comma = v.find(',', pos);
    out.push_back(v.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos));
    if (comma == std::string::npos) return out;
    pos = comma + 1;
  }
}

// "0-15,32" -> strand ids
inline std::vector<unsigned> parse_strands(const std::string& s) {
  std::vector<unsigned> out;
  for (const std::string& item : split(s)) {
    size_t dash = item.find('-');
    size_t used = 0;
    unsigned lo = unsigned(std::stoul(item.substr(0, dash), &used));
    if (used != (dash == std::string::npos ? item.size() : dash))
      throw std::invalid_argument("'" + item + "' is not a strand or range");
    unsigned hi = dash == std::string::npos ? lo : unsigned(std::stoul(item.substr(dash + 1)));
    if (hi < lo) throw std::invalid_argument("range '" + item + "' runs backwards");
    for (unsigned i = lo; i <= hi; ++i) out.push_back(i);
  }
  return out;
}

// "4G", "512M", "0x80000000" -> bytes
inline uint64_t parse_size(const std::string& s) {
  // stoull takes "-4M" as 2^64 - 4: a size is digits only, and must not wrap when scaled.
  if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0])))
    throw std::invalid_argument("'" + s + "' is not a size (e.g. 64M, 4G, 0x4000000)");
  size_t idx = 0;
  uint64_t v = std::stoull(s, &idx, 0);
  std::string unit = s.substr(idx);
  unsigned shift = 0;
  if (unit == "K" || unit == "k") shift = 10;
  else if (unit == "M" || unit == "m") shift = 20;
  else if (unit == "G" || unit == "g") shift = 30;
  else if (!unit.empty()) throw std::invalid_argument("unknown size unit '" + unit + "' in '" + s + "'");
  if (v > (~0ull >> shift)) throw std::invalid_argument("'" + s + "' is too large");
  return v << shift;
}

}  // namespace vfsim::hv::cli

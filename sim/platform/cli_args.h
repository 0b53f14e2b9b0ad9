// Command-line values the tools share: comma lists, strand ranges and sizes.
#pragma once
#include <cctype>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::cli {

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

// A decimal count from 0 to `max` ("what" names it in the message). std::stoul took "-1" as
// 2^64-1 and said only "stoul" for "abc".
inline uint64_t parse_count(const std::string& s, const std::string& what, uint64_t max) {
  bool digits = !s.empty() && s.size() <= 19;
  for (char c : s) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  uint64_t v = digits ? std::stoull(s) : 0;
  if (!digits || v > max)
    throw std::invalid_argument("'" + s + "' is not " + what + " (a number from 0 to " + std::to_string(max) + ")");
  return v;
}

// Strand ids are checked against the platform later; this bound only keeps a range such as
// 0-4294967295 from filling memory first: a platform file allows at most 8 sockets x 8 cores
// x 8 strands.
constexpr uint64_t kMaxStrandId = 511;

// "0-15,32" -> strand ids
inline std::vector<unsigned> parse_strands(const std::string& s) {
  std::vector<unsigned> out;
  for (const std::string& item : split(s)) {
    size_t dash = item.find('-');
    std::string what = "a strand number";
    unsigned lo = unsigned(parse_count(item.substr(0, dash), what, kMaxStrandId));
    unsigned hi = dash == std::string::npos ? lo : unsigned(parse_count(item.substr(dash + 1), what, kMaxStrandId));
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

}  // namespace vfsim::cli

// Sizes, uptimes and utilisation as ldm reads and prints them.
#pragma once
#include <cstdint>
#include <string>

namespace vfsim::ldm {

// "512M", "1G", "1024" (bytes), or a number and a separate unit word ("4", "G"). Returns
// false for anything else.
bool parse_size(const std::string& number, const std::string& unit, uint64_t& bytes);
// The largest unit that divides exactly: 512M, 1G, 32544M, 1536K, 12345 (bytes).
std::string format_size(uint64_t bytes);
// 0s, 2m, 2h 7m, 3d 21h 7m (leading zero units dropped; seconds only under a minute).
std::string format_uptime(uint64_t seconds);
// 0.0%, 7.0% below 10; 23%, 100% from 10 up.
std::string format_util(double percent);
std::string format_mac(uint64_t mac);   // 00:14:4f:f8:00:01
// Six colon-separated groups of one or two hex digits, nothing else ("100:..." or a trailing
// ":x" is not a MAC, where sscanf took them).
bool parse_mac(const std::string& s, uint64_t& mac);

}  // namespace vfsim::ldm

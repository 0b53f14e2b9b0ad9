// Sizes, uptimes and utilisation as ldm reads and prints them.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace vfsim::ldm {

// "512M", "1G", "1024" (bytes), or a number and a separate unit word ("4", "G"). Returns
// false for anything else.
bool parse_size(const std::string& number, const std::string& unit, uint64_t& bytes);
// One physical address: hexadecimal (0x180000000) or a size with its unit (6G, 6144M).
bool parse_address(const std::string& text, uint64_t& pa);
// mblock=PA:SIZE[,PA:SIZE...] (the 2.2+ memory syntax): the blocks in the order given, or ""
// and the whole error line: a malformed list, a size of 0, or a PA or size that is not a
// multiple of `align` (the binder's granularity). Overlaps are the caller's to check.
// The binder's granularity: domains get memory in whole 4 MB blocks.
constexpr uint64_t kMemoryBlock = 4ull << 20;
struct PaBlock { uint64_t pa = 0, size = 0; };
std::string parse_mblocks(const std::string& text, uint64_t align, std::vector<PaBlock>& out);
// "0x180000000:256M", as listings show a block.
std::string format_mblock(uint64_t pa, uint64_t size);
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

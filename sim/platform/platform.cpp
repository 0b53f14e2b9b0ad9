#include "sim/platform/platform.h"

#include <algorithm>
#include <cctype>

namespace vfsim::platform {

unsigned Platform::home_socket(uint64_t pa) const {
  if (sockets <= 1) return 0;
  bool fine = pa < interleave_512b_ceiling && sockets != 3;   // 3-way has only 1 GB mode
  unsigned shift = fine ? 9 : 30;
  if (sockets == 2) return unsigned(pa >> shift) & 1;
  if (sockets == 4) return unsigned(pa >> shift) & 3;
  return unsigned((pa >> shift) % sockets);   // other socket counts of platform files
}

namespace {

Platform t5x40(const char* name, unsigned sockets, uint64_t clock_hz, uint64_t mem) {
  Platform p;
  p.name = name;
  p.source = "built-in";
  p.sockets = sockets;
  p.clock_hz = p.stick_hz = clock_hz;
  p.memory_bytes = mem;
  // Root complex n belongs to socket n: /pci@400, /pci@500, ... [V T5440, D T5140/T5240]
  for (unsigned s = 0; s < sockets; ++s) p.pcie_roots.push_back("pci@" + std::to_string(400 + 100 * s));
  p.coherence.hubs = sockets > 2;   // T5440: one Zambezi hub per plane [V Sheahan-Zam]
  // The links' lanes run at 4.8 Gb/s with the 1.4 GHz parts, 4.0 Gb/s with the 1.2 GHz ones [V].
  p.coherence.lane_gbps = clock_hz >= 1400000000 ? 4.8 : 4.0;
  return p;
}

// T5120 / T5220: one UltraSPARC T2, its 4 memory controllers (8 FB-DIMM channels), no
// coherence links, one root complex /pci@0 [V chip, D pci@0: t2plus-microarch.md §1, §7].
Platform t5x20(const char* name, uint64_t clock_hz, uint64_t mem) {
  Platform p;
  p.name = name;
  p.source = "built-in";
  p.chip = "UltraSPARC-T2";
  p.sockets = 1;
  p.clock_hz = p.stick_hz = clock_hz;
  p.memory_bytes = mem;
  p.memory_controllers_per_socket = 4;
  p.pcie_roots = {"pci@0"};
  return p;
}

std::vector<Platform> builtins() {
  return {
      // 1U, 1 socket; "1.2 GHz" part at ~1165 MHz. Max memory 64 GB [U].
      t5x20("T5120", 1165000000, 64ull << 30),
      // 2U, 1 socket; "1.4 GHz" part at ~1415 MHz. Max memory 128 GB [U].
      t5x20("T5220", 1415000000, 128ull << 30),
      // 1U, 2 sockets, glueless; "1.2 GHz" parts run at ~1165 MHz. Max memory 128 GB [U].
      t5x40("T5140", 2, 1165000000, 128ull << 30),
      // 2U, 2 sockets, glueless; "1.4 GHz" parts run at ~1415 MHz. Max memory 256 GB [U].
      t5x40("T5240", 2, 1415000000, 256ull << 30),
      // 4U, 4 sockets through 4 Zambezi hubs; 1.4 GHz; max memory 512 GB [U].
      t5x40("T5440", 4, 1415000000, 512ull << 30),
  };
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::toupper(c)); });
  return s;
}

}  // namespace

std::vector<std::string> builtin_platform_names() {
  std::vector<std::string> n;
  for (const auto& p : builtins()) n.push_back(p.name);
  return n;
}

std::optional<Platform> builtin_platform(const std::string& name) {
  for (const auto& p : builtins())
    if (upper(name) == p.name) return p;
  return std::nullopt;
}

Platform load_platform(const std::string& name_or_file) {
  if (auto p = builtin_platform(name_or_file)) return *p;
  if (name_or_file.find('/') == std::string::npos && name_or_file.find('.') == std::string::npos) {
    std::string names;
    for (const auto& n : builtin_platform_names()) names += (names.empty() ? "" : ", ") + n;
    throw PlatformError("unknown platform '" + name_or_file + "' (built-in: " + names +
                        "; or give a platform file path)");
  }
  return load_platform_file(name_or_file);
}

}  // namespace vfsim::platform

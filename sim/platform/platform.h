// A simulated server: sockets of UltraSPARC T2 Plus chips (or one UltraSPARC T2), clocks,
// memory, caches, TLBs, latencies and PCIe root complexes. Built-in T5120 and T5220 (T2),
// T5140, T5240 and T5440 (T2 Plus), or a user-written
// platform file (TOML, see docs/platforms.md). Every tunable is a named field here with a
// documented default; facts come from shared/reference/t2plus-microarch.md, and the ones
// marked [U] there are parameters to calibrate, not confirmed values.
#pragma once
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::platform {

struct CacheGeometry {
  uint32_t size_bytes = 0, ways = 0, line_bytes = 0, banks = 1;
  uint32_t sets() const { return ways && line_bytes ? size_bytes / (ways * line_bytes) : 0; }
};

struct Latencies {
  uint32_t l1_hit_cycles = 3;            // load-use on a D$ hit [V/S]
  uint32_t l2_hit_cycles = 22;           // load-use on an L2 hit, crossbar included [U] folklore 20-26
  uint32_t l2_bank_busy_cycles = 2;      // an L2 bank (8 per socket, PA[8:6]) takes a request per 2 cycles [U]
  // A timing-TLB miss costs the tablewalk's reads of TSB entries through the L2 and memory
  // plus this: the walker's own work (TSB pointer, tag compare, TLB write). 8 keeps the old
  // flat 30-cycle walk for a TSB entry that hits the L2 (22 + 8) [U].
  uint32_t tlb_walk_overhead_cycles = 8;
  double local_memory_ns = 152;          // idle pointer chase to local DRAM (T5220 libMicro) [V]
  double remote_memory_extra_ns = 60;    // extra for the other socket's memory [U]
  double zambezi_hop_extra_ns = 30;      // T5440: extra through a Zambezi hub [U]
  uint32_t mul_cycles = 5;               // imul (GCC niagara2 model) [S]
  uint32_t div_cycles = 26;              // idiv [S]
  uint32_t fp_cycles = 6;                // dependent FP op [S]
  uint32_t fdivs_cycles = 19, fdivd_cycles = 33;   // [S]
  uint32_t store_buffer_entries = 8;     // per strand [V]
  uint32_t store_drain_cycles = 22;      // a store buffer entry frees when the store reaches L2 [U]
  double mcu_read_gbps = 10.6;           // per memory controller: ~21 GB/s read per socket [D]
};

struct Platform {
  std::string name;            // "T5240", or the name given in a platform file
  std::string source;          // "built-in" or the file it came from
  // The chip, as Solaris names its CPU module (SUNW,UltraSPARC-T2+): the MD's cpu nodes say
  // it, and migration needs the same on both hosts [V t2plus-microarch.md §1].
  std::string chip = "UltraSPARC-T2+";
  unsigned sockets = 2;
  unsigned cores_per_socket = 8;
  unsigned strands_per_core = 8;
  uint64_t clock_hz = 1415000000;        // actual core clock of a "1.4 GHz" part [S]
  uint64_t stick_hz = 1415000000;        // STICK ticks at the core clock on these parts [S]
  uint64_t memory_bytes = 64ull << 30;
  unsigned memory_controllers_per_socket = 2;   // T2 Plus: 2 MCUs [V]
  // Socket interleave (T2 Plus): below the ceiling memory is interleaved every 512 B
  // (home node in PA[9] or PA[10:9]), at or above it every 1 GB (PA[30] or PA[31:30]) [V].
  uint64_t interleave_512b_ceiling = 0;  // bytes; 0 = all memory 1 GB-interleaved [U default]
  CacheGeometry l1i{16 * 1024, 8, 32, 1};       // [V]
  CacheGeometry l1d{8 * 1024, 4, 16, 1};        // write-through [V]
  CacheGeometry l2{4 * 1024 * 1024, 16, 64, 8}; // per socket, bank = PA[8:6] [V]
  unsigned itlb_entries = 64, dtlb_entries = 128;   // fully associative [V]
  std::vector<std::string> pcie_roots;   // root complexes, e.g. pci@400 pci@500
  bool crypto_unit_per_core = true;      // one SPU (MAU + cipher/hash) per core [V]
  double quantum_ns = 1000;              // temporal decoupling quantum (simulated time)
  Latencies lat;

  unsigned cores() const { return sockets * cores_per_socket; }
  unsigned strands() const { return cores() * strands_per_core; }
  double cycle_ns() const { return 1e9 / double(clock_hz); }
  // Home socket of a physical address under the interleave rules above.
  unsigned home_socket(uint64_t pa) const;
};

// Errors name the file, line and field: "t.toml:7:12: cores_per_socket: must be 1..8".
struct PlatformError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::vector<std::string> builtin_platform_names();
std::optional<Platform> builtin_platform(const std::string& name);   // case-insensitive
// A built-in name, or a path to a platform file. Throws PlatformError.
Platform load_platform(const std::string& name_or_file);
Platform load_platform_file(const std::string& path);

}  // namespace vfsim::platform

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
  uint32_t mul_cycles = 5;               // imul (GCC niagara2 model) [S]
  uint32_t div_cycles = 26;              // idiv [S]
  uint32_t fp_cycles = 6;                // dependent FP op [S]
  uint32_t fdivs_cycles = 19, fdivd_cycles = 33;   // [S]
  uint32_t store_buffer_entries = 8;     // per strand [V]
  uint32_t store_drain_cycles = 22;      // a store buffer entry frees when the store reaches L2 [U]
};

// The memory behind each memory controller (MCU): FB-DIMM channels and DDR2 DRAM. An MCU drives
// its 2 channels in lockstep, so a 64-byte line travels over both [V 2 channels per MCU,
// t2plus-microarch.md §5]. FB-DIMM frames last 12 bit times at 6x the DRAM data rate (3 ns
// with DDR2-667); a northbound (read) frame carries 16 data bytes per channel, a southbound one
// 8 write-data bytes or 3 commands: 10.67 GB/s of reads and 5.33 GB/s of writes per MCU, the
// 21.33 / 10.66 GB/s per T2 Plus socket of the reference [D P1-P3, t2-measured-figures.md].
struct Dram {
  double lane_gbps = 4.0;              // 6 x 667 MT/s [D]
  unsigned channels_per_mcu = 2;       // [V]
  unsigned dimms_per_channel = 2;      // 16 DIMMs on a T5240 = 2 per channel [U]
  unsigned ranks_per_dimm = 2;         // [U]
  unsigned banks_per_rank = 8;         // DDR2 devices of 1 Gb and up [S JEDEC]
  double t_rcd_ns = 15, t_cl_ns = 15;  // activate to read, read to data: DDR2-667 5-5-5 [S]
  double t_rc_ns = 60;                 // a bank's row cycle (closed page: every access opens a row) [S]
  unsigned bank_shift = 10;            // bank = PA[bank_shift..] of the MCU's lines, XOR-folded [U]
  // What is left of the idle latency (local_memory_ns) besides the DRAM and the frames is
  // fixed pipeline: chip_request_ns from the L2 miss to the coherence unit / MCU, and
  // chip_return_ns from the data's arrival to the strand [U]; the rest is the FB-DIMM path
  // (AMB pass-through, frame alignment, MCU scheduling), split evenly around the DRAM access.
  double chip_request_ns = 20, chip_return_ns = 20;
  unsigned fill_buffer_entries = 8;    // outstanding memory reads per L2 bank [V RTL l2t_filbuf]
};

// The T2 Plus coherence links: 4 planes, each 14 lanes per direction [V Sheahan-CU]; glueless
// between the 2 sockets of a T5140/T5240, through one Zambezi hub per plane on a T5440. Every
// L2 miss asks the other sockets (a snoop) while the home's memory is read; a line held dirty
// elsewhere comes from that cache; memory on another socket is requested over the links and
// its data comes back over them. Latencies below are [U]: no published remote latency exists.
struct Coherence {
  unsigned planes = 4;                 // [V]
  unsigned lanes = 14;                 // per plane per direction [V]
  double lane_gbps = 4.8;              // 4.8 with 1.4 GHz parts, 4.0 with 1.2 GHz parts [V]
  unsigned plane_shift = 7;            // plane = PA[8:7] (a bank pair per plane) [U]; 12 for PA[13:12]
  double unit_ns = 15;                 // a coherence unit's handling of a message [U]
  double link_ns = 10;                 // SERDES and wire, one link crossing [U]
  double hub_ns = 7.5;                 // a Zambezi hub: 6 stages at 800 MHz [V design, HOTI 2008]
  unsigned request_bytes = 16;         // a request, snoop, or answer without data [U]
  unsigned data_bytes = 80;            // a 64-byte line and its header [U]
  double snoop_lookup_ns = 5;          // an L2 tag lookup for a snoop, after its bank turn [U]
  bool hubs = false;                   // T5440: through Zambezi hubs, not socket to socket
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
  Dram dram;
  Coherence coherence;

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

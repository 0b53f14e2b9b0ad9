// Platforms: the built-in T5140/T5240/T5440, socket interleave, and platform files whose
// every error names the file, line and field.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>

#include "sim/platform/platform.h"

using namespace vfsim::platform;

namespace {
std::string write_file(const std::string& name, const std::string& text) {
  std::string path = "/tmp/vfsim-test-" + name;
  std::ofstream(path) << text;
  return path;
}
std::string error_of(const std::string& path) {
  try {
    load_platform(path);
  } catch (const PlatformError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("built-in platforms have the published shape", "[platform]") {
  Platform t5140 = load_platform("T5140"), t5240 = load_platform("t5240"), t5440 = load_platform("T5440");
  CHECK(t5140.sockets == 2);
  CHECK(t5140.strands() == 128);
  CHECK(t5140.clock_hz == 1165000000);
  CHECK(t5240.clock_hz == 1415000000);
  CHECK(t5440.sockets == 4);
  CHECK(t5440.strands() == 256);
  CHECK(t5440.memory_bytes == (512ull << 30));
  CHECK(t5440.pcie_roots == std::vector<std::string>{"pci@400", "pci@500", "pci@600", "pci@700"});
  CHECK(t5240.pcie_roots == std::vector<std::string>{"pci@400", "pci@500"});
  CHECK(t5240.l1d.sets() == 128);   // 8 KB, 4-way, 16 B lines
  CHECK(t5240.l1i.sets() == 64);    // 16 KB, 8-way, 32 B lines
  CHECK(t5240.l2.sets() == 4096);   // 4 MB, 16-way, 64 B lines (8 banks of 512 sets)
  CHECK(t5240.lat.local_memory_ns == 152);
  // The T5440 reaches the other sockets through Zambezi hubs; the T5240's links are glueless.
  // Its 1.4 GHz parts run the links' lanes at 4.8 Gb/s, the T5140's 1.2 GHz parts at 4.0.
  CHECK(t5440.coherence.hubs);
  CHECK(!t5240.coherence.hubs);
  CHECK(t5240.coherence.lane_gbps == 4.8);
  CHECK(load_platform("T5140").coherence.lane_gbps == 4.0);
}

TEST_CASE("the T2 machines: one socket, four memory controllers, pci@0", "[platform]") {
  Platform t5120 = load_platform("T5120"), t5220 = load_platform("t5220");
  for (const Platform* p : {&t5120, &t5220}) {
    CHECK(p->chip == "UltraSPARC-T2");
    CHECK(p->sockets == 1);
    CHECK(p->strands() == 64);
    CHECK(p->memory_controllers_per_socket == 4);
    CHECK(p->pcie_roots == std::vector<std::string>{"pci@0"});
    CHECK(p->home_socket(0x123456789ull) == 0);
  }
  CHECK(t5120.clock_hz == 1165000000);
  CHECK(t5220.clock_hz == 1415000000);
  CHECK(load_platform("T5240").chip == "UltraSPARC-T2+");
  CHECK(load_platform("T5240").memory_controllers_per_socket == 2);
  // a file based on a T2 machine keeps its one root complex and its chip
  Platform f = load_platform(write_file("t2.toml", "name = \"T5220-1.6\"\nbase = \"T5220\"\nclock_mhz = 1600\n"));
  CHECK(f.pcie_roots == std::vector<std::string>{"pci@0"});
  CHECK(f.chip == "UltraSPARC-T2");
}

TEST_CASE("home socket follows the T2 Plus interleave", "[platform]") {
  Platform p = load_platform("T5240");
  p.interleave_512b_ceiling = 0;   // all 1 GB-interleaved: node in PA[30]
  CHECK(p.home_socket(0) == 0);
  CHECK(p.home_socket((1ull << 30) + 512) == 1);
  CHECK(p.home_socket(2ull << 30) == 0);
  p.interleave_512b_ceiling = 4ull << 30;   // below 4 GB: node in PA[9]
  CHECK(p.home_socket(0) == 0);
  CHECK(p.home_socket(512) == 1);
  CHECK(p.home_socket(1024) == 0);
  CHECK(p.home_socket((4ull << 30) + (1ull << 30)) == 1);   // above the ceiling: 1 GB again
  Platform q = load_platform("T5440");
  q.interleave_512b_ceiling = 4ull << 30;   // 4-way: node in PA[10:9]
  CHECK(q.home_socket(3 * 512) == 3);
  CHECK(q.home_socket(4 * 512) == 0);
}

TEST_CASE("unknown platform names list the built-in ones", "[platform]") {
  std::string e = error_of("T9999");
  CHECK(e.find("unknown platform 'T9999'") != std::string::npos);
  CHECK(e.find("T5120, T5220, T5140, T5240, T5440") != std::string::npos);
}

TEST_CASE("a platform file overrides a built-in base", "[platform]") {
  std::string f = write_file("good.toml", R"(# a 4-socket machine with 4-core chips
name = "T5440-4core"
base = "T5440"
cores_per_socket = 4
clock_mhz = 1600
memory_gb = 64
interleave_512b_ceiling_gb = 8

[cache.l2]
size_kb = 2048
ways = 16
line_bytes = 64
banks = 8

[latency]
local_memory_ns = 140.5
l2_hit_cycles = 24
)");
  Platform p = load_platform(f);
  CHECK(p.name == "T5440-4core");
  CHECK(p.source == f);
  CHECK(p.sockets == 4);
  CHECK(p.cores_per_socket == 4);
  CHECK(p.strands() == 128);
  CHECK(p.clock_hz == 1600000000);
  CHECK(p.memory_bytes == (64ull << 30));
  CHECK(p.interleave_512b_ceiling == (8ull << 30));
  CHECK(p.l2.size_bytes == 2048 * 1024);
  CHECK(p.lat.local_memory_ns == 140.5);
  CHECK(p.lat.l2_hit_cycles == 24);
  CHECK(p.lat.l1_hit_cycles == 3);   // untouched fields keep the base's values
  CHECK(p.pcie_roots.size() == 4);
}

TEST_CASE("platform file errors name file, line and field", "[platform]") {
  SECTION("unknown key") {
    std::string f = write_file("typo.toml", "name = \"x\"\ncores_per_sockett = 4\n");
    std::string e = error_of(f);
    CHECK(e.rfind(f + ":2:1: cores_per_sockett: unknown key", 0) == 0);
  }
  SECTION("out of range") {
    std::string f = write_file("range.toml", "name = \"x\"\ncores_per_socket = 9\n");
    CHECK(error_of(f) == f + ":2:20: cores_per_socket: must be 1..8");
  }
  SECTION("wrong type") {
    std::string f = write_file("type.toml", "name = \"x\"\nsockets = \"two\"\n");
    CHECK(error_of(f) == f + ":2:11: sockets: expected an integer");
  }
  SECTION("nested field") {
    std::string f = write_file("nested.toml", "name = \"x\"\n[cache.l1d]\nsize_kb = 8\nways = 3\nline_bytes = 16\n");
    CHECK(error_of(f) == f + ":4:8: cache.l1d.ways: must be a power of two");
  }
  SECTION("TOML syntax") {
    std::string f = write_file("syntax.toml", "name = \"x\"\nsockets = = 2\n");
    CHECK(error_of(f).rfind(f + ":2:", 0) == 0);
  }
  SECTION("missing name") {
    std::string f = write_file("noname.toml", "sockets = 2\n");
    CHECK(error_of(f) == f + ":1:1: name: missing (every platform file names its machine)");
  }
  // Issue 17: values the timing model cannot simulate used to hang (a request that fits no
  // bandwidth bin) or exhaust memory (a 1 GB cache); they are refused where they are written.
  SECTION("memory channels too slow for a line per bandwidth bin") {
    std::string f = write_file("slow.toml", "name = \"x\"\n[dram]\nlane_gbps = 0.1\n");
    CHECK(error_of(f) == f + ":3:13: dram.lane_gbps: 0.1 Gb/s moves a 64-byte line to memory in 480.0 ns: it must fit a 50 ns bandwidth bin");
  }
  SECTION("the controllers' old single bandwidth figure is refused: reads and writes now come from the channels") {
    std::string f = write_file("old.toml", "name = \"x\"\n[latency]\nmcu_read_gbps = 10.6\n");
    CHECK(error_of(f).rfind(f + ":3:1: latency.mcu_read_gbps: unknown key", 0) == 0);
  }
  SECTION("an idle memory latency shorter than its parts") {
    std::string f = write_file("fast.toml", "name = \"x\"\n[latency]\nlocal_memory_ns = 50\n");
    CHECK(error_of(f) == f + ":3:19: latency.local_memory_ns: 50 ns is less than the chip path, DRAM and FB-DIMM frames take (77.0 ns)");
  }
  SECTION("an L2 bank access longer than a bin") {
    std::string f = write_file("bank.toml", "name = \"x\"\n[latency]\nl2_bank_busy_cycles = 100\n");
    CHECK(error_of(f).rfind(f + ":3:23: latency.l2_bank_busy_cycles: 100 cycles at 1415 MHz is 70.", 0) == 0);
    std::string g = write_file("clock.toml", "name = \"x\"\nclock_mhz = 20\n");
    CHECK(error_of(g).rfind(g + ":2:13: latency.l2_bank_busy_cycles: ", 0) == 0);
  }
  SECTION("a cache the model cannot hold") {
    std::string f = write_file("big.toml", "name = \"x\"\n[cache.l1d]\nsize_kb = 1048576\nways = 4\nline_bytes = 16\n");
    CHECK(error_of(f) == f + ":3:11: cache.l1d.size_kb: must be 1..65536");
  }
  SECTION("missing file") {
    CHECK(error_of("/tmp/vfsim-test-does-not-exist.toml").find("does-not-exist.toml") != std::string::npos);
  }
}

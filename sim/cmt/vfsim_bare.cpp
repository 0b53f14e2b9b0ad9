// vfsim-bare: run bare-metal SPARC code on the timed CMT machine, before the hypervisor.
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <optional>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "sim/platform/cli_args.h"
#include "sim/cmt/bare_machine.h"
#include "sim/trace/trace.h"
#include "sim/isa/elf_image.h"

namespace po = boost::program_options;

namespace {
// The whole string as an unsigned 64-bit number, decimal or 0x hex; nothing else.
std::optional<uint64_t> parse_u64(const std::string& s) {
  bool hex = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
  std::string digits = hex ? s.substr(2) : s;
  if (digits.empty() || digits.size() > 20) return std::nullopt;
  uint64_t v = 0;
  for (char c : digits) {
    unsigned d;
    if (c >= '0' && c <= '9') d = unsigned(c - '0');
    else if (hex && c >= 'a' && c <= 'f') d = unsigned(c - 'a' + 10);
    else if (hex && c >= 'A' && c <= 'F') d = unsigned(c - 'A' + 10);
    else return std::nullopt;
    unsigned base = hex ? 16 : 10;
    if (v > (UINT64_MAX - d) / base) return std::nullopt;   // overflow
    v = v * base + d;
  }
  return v;
}
}  // namespace

int sc_main(int argc, char** argv) {
  po::options_description opts(
      "Usage: vfsim-bare --platform NAME|FILE [--strands N] [--pack] [--arg N]... [--tlb [--page-size 8k|64k|4m|256m]] [--stats] [--stats-json FILE] ELF\nOptions");
  opts.add_options()
      ("help,h", "show this help")
      ("platform", po::value<std::string>()->default_value("T5240"), "T5120, T5220, T5140, T5240, T5440 or a platform file")
      ("strands", po::value<unsigned>()->default_value(1), "strands to start at the ELF's entry")
      ("pack", "fill each core's 8 strands before using the next core (default: one strand per core, spread over sockets)")
      ("cpus", po::value<std::string>(), "start exactly these strands, e.g. 0,64 or 8-15 (cpuid = (socket*cores + core)*8 + strand)")
      ("arg", po::value<std::vector<std::string>>(), "a number (decimal or 0x hex) every strand gets in %o1; repeat for %o2..%o4")
      ("stats", "print per-strand, per-core and L2 statistics to stderr")
      ("stats-json", po::value<std::string>(), "write the statistics as JSON to FILE")
      ("max-ms", po::value<double>()->default_value(10000), "stop after this much simulated time (ms)")
      ("trace", po::value<std::vector<std::string>>(), vfsim::trace::option_help())
      ("trace-file", po::value<std::vector<std::string>>(), "a trace output: FILE.json (Perfetto), FILE.vcd, FILE or - (text); repeatable (docs/tracing.md)")
      ("trace-limit", po::value<uint64_t>()->default_value(100000), "trace at most N instructions (category insn: cycle, strand, pc, instruction, cycles until its next issue)")
      ("tlb", "charge ITLB/DTLB misses as if the program ran on pages mapped 1:1 (bare code otherwise uses real addressing, which bypasses the TLBs); a miss walks a notional TSB in the top 128 KB of memory")
      ("page-size", po::value<std::string>()->default_value("8k"), "with --tlb: the size of those pages, 8k, 64k, 4m or 256m");
  po::options_description hidden;
  hidden.add_options()("elf", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("elf", 1);
  po::options_description all;
  all.add(opts).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const std::exception& e) {
    fmt::print(stderr, "vfsim-bare: {}\n", e.what());
    return 2;
  }
  {
    using Strings = std::vector<std::string>;
    Strings specs = vm.count("trace") ? vm["trace"].as<Strings>() : Strings{};
    if (std::find(specs.begin(), specs.end(), "help") != specs.end()) {
      fmt::print("{}", vfsim::trace::categories_help());
      return 0;
    }
    std::string why;
    if (!vfsim::trace::configure(specs, vm.count("trace-file") ? vm["trace-file"].as<Strings>() : Strings{}, "", why)) {
      fmt::print(stderr, "vfsim-bare: {}\n", why);
      return 2;
    }
  }
  if (vm.count("help") || !vm.count("elf")) {
    std::cerr << opts;
    return vm.count("help") ? 0 : 2;
  }
  // NaN compared false against every limit and meant "run for ever"; SystemC's clock (64-bit
  // picoseconds) ends after about 213 days.
  constexpr double kMaxRunMs = 1e10;
  double max_ms = vm["max-ms"].as<double>();
  if (!(max_ms > 0 && max_ms <= kMaxRunMs)) {
    fmt::print(stderr, "vfsim-bare: --max-ms {}: the simulated time must be more than 0 and at most {} ms\n", max_ms,
               kMaxRunMs);
    return 2;
  }
  // sun4v page sizes (t2plus-microarch.md §3) as shifts.
  unsigned page_shift = 0;
  {
    std::string ps = vm["page-size"].as<std::string>();
    for (auto [name, shift] : {std::pair<const char*, unsigned>{"8k", 13}, {"64k", 16}, {"4m", 22}, {"256m", 28}})
      if (ps == name) page_shift = shift;
    if (!page_shift) {
      fmt::print(stderr, "vfsim-bare: --page-size {}: must be 8k, 64k, 4m or 256m\n", ps);
      return 2;
    }
    if (!vm["page-size"].defaulted() && !vm.count("tlb")) {
      fmt::print(stderr, "vfsim-bare: --page-size needs --tlb (without it no TLB is modelled)\n");
      return 2;
    }
  }
  std::ofstream stats_json;   // opened now: a path that cannot be written is an error before the run
  if (vm.count("stats-json")) {
    stats_json.open(vm["stats-json"].as<std::string>());
    if (!stats_json) {
      fmt::print(stderr, "vfsim-bare: --stats-json: cannot write {}\n", vm["stats-json"].as<std::string>());
      return 2;
    }
  }
  try {
    vfsim::platform::Platform p = vfsim::platform::load_platform(vm["platform"].as<std::string>());
    vfsim::cmt::BareMachine m("machine", p);
    if (vm.count("arg")) {
      const auto& a = vm["arg"].as<std::vector<std::string>>();
      if (a.size() > vfsim::cmt::BareMachine::kMaxArgs) {
        fmt::print(stderr, "vfsim-bare: --arg: at most {} values (%o1..%o4), got {}\n",
                   vfsim::cmt::BareMachine::kMaxArgs, a.size());
        return 2;
      }
      for (const auto& v : a) {
        auto n = parse_u64(v);
        if (!n) {
          fmt::print(stderr, "vfsim-bare: --arg {}: not an unsigned 64-bit number (decimal or 0x hex)\n", v);
          return 2;
        }
        m.args.push_back(*n);
      }
    }
    if (vm.count("tlb")) {   // the notional TSB must not lie under the program
      uint64_t lo = m.port.tsb_base, hi = lo + vfsim::cmt::RealMemoryPort::kTsbBytes;
      for (const vfsim::isa::ElfSegment& sg : vfsim::isa::read_elf(vm["elf"].as<std::string>(), "vfsim-bare").segments)
        if (sg.memsz && sg.paddr < hi && sg.paddr + sg.memsz > lo) {
          fmt::print(stderr, "vfsim-bare: --tlb: the segment at physical {:#x} (+{:#x}) overlaps the notional TSB at {:#x}..{:#x}\n",
                     sg.paddr, sg.memsz, lo, hi - 1);
          return 2;
        }
    }
    uint64_t entry = m.load_elf(vm["elf"].as<std::string>());
    m.model_tlbs = vm.count("tlb");
    m.port.page_shift = uint8_t(page_shift);
    m.trace_limit = vm["trace-limit"].as<uint64_t>();
    if (vm.count("cpus")) {
      for (unsigned c : vfsim::cli::parse_strands(vm["cpus"].as<std::string>()))
        if (!m.start_cpu(c, entry)) {
          fmt::print(stderr, "vfsim-bare: --cpus: cpu {} does not exist on {} (0..{}) or is listed twice\n", c,
                     p.name, p.strands() - 1);
          return 2;
        }
    } else {
      unsigned n = vm["strands"].as<unsigned>();
      if (n == 0 || n > p.strands()) {
        fmt::print(stderr, "vfsim-bare: --strands must be 1..{} on {}\n", p.strands(), p.name);
        return 2;
      }
      m.start_strands(n, entry, vm.count("pack"));
    }
    m.console_out = &std::cout;
    int rc = m.run(sc_core::sc_time(max_ms, sc_core::SC_MS));
    vfsim::trace::finish();
    if (std::string s = vfsim::trace::summary(); !s.empty()) fmt::print(stderr, "vfsim-bare: {}\n", s);
    if (vm.count("stats")) m.print_stats(std::cerr);
    if (vm.count("stats-json")) {
      m.write_stats_json(stats_json);
      stats_json.close();
      if (!stats_json) {
        fmt::print(stderr, "vfsim-bare: --stats-json: writing {} failed\n", vm["stats-json"].as<std::string>());
        return 2;
      }
    }
    return rc;
  } catch (const vfsim::platform::PlatformError& e) {
    fmt::print(stderr, "vfsim-bare: {}\n", e.what());
    return 2;
  } catch (const vfsim::isa::ElfError& e) {
    fmt::print(stderr, "vfsim-bare: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {   // a --cpus list that is not one
    fmt::print(stderr, "vfsim-bare: --cpus: {}\n", e.what());
    return 2;
  }
}

// Our own main: silence the SystemC banner (stdout belongs to the simulated program) before
// the kernel starts, then hand over to SystemC, which calls sc_main.
int main(int argc, char** argv) {
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  return sc_core::sc_elab_and_sim(argc, argv);
}

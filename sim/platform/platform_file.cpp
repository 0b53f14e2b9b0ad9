// Platform files: TOML (toml++), every key checked, every error naming file:line:column and
// the field, so a typo never silently falls back to a default.
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "sim/platform/platform.h"

namespace vfsim::platform {
namespace {

struct Ctx {
  std::string file;
  [[noreturn]] void fail(const toml::source_region& where, const std::string& field,
                         const std::string& msg) const {
    throw PlatformError(file + ":" + std::to_string(where.begin.line) + ":" +
                        std::to_string(where.begin.column) + ": " + field + ": " + msg);
  }
};

int64_t get_int(const Ctx& c, const toml::node& n, const std::string& field, int64_t lo, int64_t hi) {
  auto v = n.value<int64_t>();
  if (!n.is_integer() || !v) c.fail(n.source(), field, "expected an integer");
  if (*v < lo || *v > hi)
    c.fail(n.source(), field, "must be " + std::to_string(lo) + ".." + std::to_string(hi));
  return *v;
}
double get_num(const Ctx& c, const toml::node& n, const std::string& field, double lo, double hi) {
  if (!n.is_number()) c.fail(n.source(), field, "expected a number");
  double v = *n.value<double>();
  if (!(v >= lo && v <= hi)) c.fail(n.source(), field, "must be between " + std::to_string(lo) +
                                                           " and " + std::to_string(hi));
  return v;
}
bool pow2(int64_t v) { return v > 0 && (v & (v - 1)) == 0; }

// Apply the keys of one table through a map of handlers; unknown keys are errors.
using Handler = std::function<void(const toml::node&, const std::string& field)>;
void apply(const Ctx& c, const toml::table& t, const std::string& prefix,
           const std::map<std::string, Handler>& handlers) {
  for (auto&& [k, v] : t) {
    std::string key(k.str()), field = prefix.empty() ? key : prefix + "." + key;
    auto it = handlers.find(key);
    if (it == handlers.end()) {
      std::string known;
      for (const auto& [name, h] : handlers) known += (known.empty() ? "" : ", ") + name;
      c.fail(k.source(), field, "unknown key (known here: " + known + ")");
    }
    it->second(v, field);
  }
}

void cache_table(const Ctx& c, const toml::node& n, const std::string& field, CacheGeometry& g) {
  const toml::table* t = n.as_table();
  if (!t) c.fail(n.source(), field, "expected a table");
  apply(c, *t, field, {
      // At most 64 MB: the model keeps every line's tag (a 1 GB cache took a minute to fail).
      {"size_kb", [&](const toml::node& v, const std::string& f) { g.size_bytes = uint32_t(get_int(c, v, f, 1, 1 << 16)) * 1024; }},
      {"ways", [&](const toml::node& v, const std::string& f) { g.ways = uint32_t(get_int(c, v, f, 1, 64)); if (!pow2(g.ways)) c.fail(v.source(), f, "must be a power of two"); }},
      {"line_bytes", [&](const toml::node& v, const std::string& f) { g.line_bytes = uint32_t(get_int(c, v, f, 8, 512)); if (!pow2(g.line_bytes)) c.fail(v.source(), f, "must be a power of two"); }},
      {"banks", [&](const toml::node& v, const std::string& f) { g.banks = uint32_t(get_int(c, v, f, 1, 64)); if (!pow2(g.banks)) c.fail(v.source(), f, "must be a power of two"); }},
  });
  if (g.sets() == 0 || !pow2(g.sets()))
    c.fail(n.source(), field, "size_kb / (ways * line_bytes) must be a power of two");
}

}  // namespace

Platform load_platform_file(const std::string& path) {
  Ctx c{path};
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::string what(e.description());
    if (e.source().begin.line == 0) throw PlatformError(path + ": " + what);
    throw PlatformError(path + ":" + std::to_string(e.source().begin.line) + ":" +
                        std::to_string(e.source().begin.column) + ": " + what);
  }
  // `base` first: the rest of the file overrides a built-in.
  Platform p = *builtin_platform("T5240");
  if (const toml::node* b = root.get("base")) {
    auto name = b->value<std::string>();
    if (!name) c.fail(b->source(), "base", "expected a string");
    auto bp = builtin_platform(*name);
    if (!bp) {
      std::string names;
      for (const auto& n : builtin_platform_names()) names += (names.empty() ? "" : ", ") + n;
      c.fail(b->source(), "base", "unknown built-in platform '" + *name + "' (" + names + ")");
    }
    p = *bp;
  }
  p.source = path;
  bool roots_given = false;
  Latencies& l = p.lat;
  auto cycles = [&](uint32_t& dst) {
    return [&c, &dst](const toml::node& v, const std::string& f) { dst = uint32_t(get_int(c, v, f, 1, 100000)); };
  };
  auto nanos = [&](double& dst) {
    return [&c, &dst](const toml::node& v, const std::string& f) { dst = get_num(c, v, f, 0, 1e6); };
  };
  apply(c, root, "", {
      {"base", [](const toml::node&, const std::string&) {}},
      {"name", [&](const toml::node& v, const std::string& f) {
         auto s = v.value<std::string>();
         if (!s || s->empty()) c.fail(v.source(), f, "expected a non-empty string");
         p.name = *s;
       }},
      {"sockets", [&](const toml::node& v, const std::string& f) { p.sockets = unsigned(get_int(c, v, f, 1, 8)); }},
      {"cores_per_socket", [&](const toml::node& v, const std::string& f) { p.cores_per_socket = unsigned(get_int(c, v, f, 1, 8)); }},
      {"strands_per_core", [&](const toml::node& v, const std::string& f) { p.strands_per_core = unsigned(get_int(c, v, f, 1, 8)); }},
      {"clock_mhz", [&](const toml::node& v, const std::string& f) { p.clock_hz = p.stick_hz = uint64_t(get_num(c, v, f, 1, 10000) * 1e6); }},
      {"memory_gb", [&](const toml::node& v, const std::string& f) { p.memory_bytes = uint64_t(get_int(c, v, f, 1, 1 << 20)) << 30; }},
      {"memory_controllers_per_socket", [&](const toml::node& v, const std::string& f) { p.memory_controllers_per_socket = unsigned(get_int(c, v, f, 1, 8)); }},
      {"interleave_512b_ceiling_gb", [&](const toml::node& v, const std::string& f) { p.interleave_512b_ceiling = uint64_t(get_int(c, v, f, 0, 1 << 20)) << 30; }},
      {"quantum_ns", [&](const toml::node& v, const std::string& f) { p.quantum_ns = get_num(c, v, f, 1, 1e9); }},
      {"crypto_unit_per_core", [&](const toml::node& v, const std::string& f) {
         if (!v.is_boolean()) c.fail(v.source(), f, "expected true or false");
         p.crypto_unit_per_core = *v.value<bool>();
       }},
      {"pcie_roots", [&](const toml::node& v, const std::string& f) {
         const toml::array* a = v.as_array();
         if (!a) c.fail(v.source(), f, "expected an array of strings like \"pci@400\"");
         p.pcie_roots.clear();
         for (const toml::node& e : *a) {
           auto s = e.value<std::string>();
           if (!s || s->rfind("pci@", 0) != 0) c.fail(e.source(), f, "expected a string like \"pci@400\"");
           p.pcie_roots.push_back(*s);
         }
         roots_given = true;
       }},
      {"cache", [&](const toml::node& v, const std::string& f) {
         const toml::table* t = v.as_table();
         if (!t) c.fail(v.source(), f, "expected a table");
         apply(c, *t, f, {
             {"l1i", [&](const toml::node& n, const std::string& g) { cache_table(c, n, g, p.l1i); }},
             {"l1d", [&](const toml::node& n, const std::string& g) { cache_table(c, n, g, p.l1d); }},
             {"l2", [&](const toml::node& n, const std::string& g) { cache_table(c, n, g, p.l2); }},
         });
       }},
      {"tlb", [&](const toml::node& v, const std::string& f) {
         const toml::table* t = v.as_table();
         if (!t) c.fail(v.source(), f, "expected a table");
         apply(c, *t, f, {
             {"itlb_entries", [&](const toml::node& n, const std::string& g) { p.itlb_entries = unsigned(get_int(c, n, g, 1, 4096)); }},
             {"dtlb_entries", [&](const toml::node& n, const std::string& g) { p.dtlb_entries = unsigned(get_int(c, n, g, 1, 4096)); }},
         });
       }},
      {"dram", [&](const toml::node& v, const std::string& f) {
         const toml::table* t = v.as_table();
         if (!t) c.fail(v.source(), f, "expected a table");
         platform::Dram& d = p.dram;
         auto count = [&](unsigned& dst, int64_t hi) {
           return [&c, &dst, hi](const toml::node& n, const std::string& g) { dst = unsigned(get_int(c, n, g, 1, hi)); };
         };
         auto positive = [&](double& dst, double hi) {
           return [&c, &dst, hi](const toml::node& n, const std::string& g) { dst = get_num(c, n, g, 0.001, hi); };
         };
         apply(c, *t, f, {
             {"lane_gbps", positive(d.lane_gbps, 100)},
             {"channels_per_mcu", count(d.channels_per_mcu, 8)},
             {"dimms_per_channel", count(d.dimms_per_channel, 8)},
             {"ranks_per_dimm", count(d.ranks_per_dimm, 4)},
             {"banks_per_rank", count(d.banks_per_rank, 16)},
             {"t_rcd_ns", nanos(d.t_rcd_ns)},
             {"t_cl_ns", nanos(d.t_cl_ns)},
             {"t_rc_ns", nanos(d.t_rc_ns)},
             {"bank_shift", [&](const toml::node& n, const std::string& g) { d.bank_shift = unsigned(get_int(c, n, g, 6, 32)); }},
             {"chip_request_ns", nanos(d.chip_request_ns)},
             {"chip_return_ns", nanos(d.chip_return_ns)},
             {"fill_buffer_entries", count(d.fill_buffer_entries, 64)},
         });
       }},
      {"coherence", [&](const toml::node& v, const std::string& f) {
         const toml::table* t = v.as_table();
         if (!t) c.fail(v.source(), f, "expected a table");
         platform::Coherence& k = p.coherence;
         apply(c, *t, f, {
             {"planes", [&](const toml::node& n, const std::string& g) {
                k.planes = unsigned(get_int(c, n, g, 1, 16));
                if (!pow2(k.planes)) c.fail(n.source(), g, "must be a power of two");
              }},
             {"lanes", [&](const toml::node& n, const std::string& g) { k.lanes = unsigned(get_int(c, n, g, 1, 64)); }},
             {"lane_gbps", [&](const toml::node& n, const std::string& g) { k.lane_gbps = get_num(c, n, g, 0.001, 100); }},
             {"plane_shift", [&](const toml::node& n, const std::string& g) { k.plane_shift = unsigned(get_int(c, n, g, 6, 32)); }},
             {"unit_ns", nanos(k.unit_ns)},
             {"link_ns", nanos(k.link_ns)},
             {"hub_ns", nanos(k.hub_ns)},
             {"request_bytes", [&](const toml::node& n, const std::string& g) { k.request_bytes = unsigned(get_int(c, n, g, 1, 4096)); }},
             {"data_bytes", [&](const toml::node& n, const std::string& g) { k.data_bytes = unsigned(get_int(c, n, g, 1, 4096)); }},
             {"snoop_lookup_ns", nanos(k.snoop_lookup_ns)},
             {"hubs", [&](const toml::node& n, const std::string& g) {
                if (!n.is_boolean()) c.fail(n.source(), g, "expected true or false");
                k.hubs = *n.value<bool>();
              }},
         });
       }},
      {"latency", [&](const toml::node& v, const std::string& f) {
         const toml::table* t = v.as_table();
         if (!t) c.fail(v.source(), f, "expected a table");
         apply(c, *t, f, {
             {"l1_hit_cycles", cycles(l.l1_hit_cycles)},
             {"l2_hit_cycles", cycles(l.l2_hit_cycles)},
             {"l2_bank_busy_cycles", cycles(l.l2_bank_busy_cycles)},
             {"tlb_walk_overhead_cycles", cycles(l.tlb_walk_overhead_cycles)},
             {"tlb_miss_cycles", [&](const toml::node& n, const std::string& g) {
                c.fail(n.source(), g, "no longer a parameter: a tablewalk now reads its TSB entries through the "
                                      "L2 and memory; set latency.tlb_walk_overhead_cycles (the walker's own "
                                      "cycles) instead");
              }},
             {"local_memory_ns", nanos(l.local_memory_ns)},
             {"mul_cycles", cycles(l.mul_cycles)},
             {"div_cycles", cycles(l.div_cycles)},
             {"fp_cycles", cycles(l.fp_cycles)},
             {"fdivs_cycles", cycles(l.fdivs_cycles)},
             {"fdivd_cycles", cycles(l.fdivd_cycles)},
             {"store_buffer_entries", cycles(l.store_buffer_entries)},
             {"store_drain_cycles", cycles(l.store_drain_cycles)},
         });
       }},
  });
  if (!roots_given && p.pcie_roots.size() != p.sockets) {   // one root complex per socket unless the file says otherwise
    p.pcie_roots.clear();
    for (unsigned s = 0; s < p.sockets; ++s) p.pcie_roots.push_back("pci@" + std::to_string(400 + 100 * s));
  }
  // What the timing model can simulate: a booking of a shared resource (sim/cmt/occupancy.h)
  // must fit a 50 ns bin for the L2 bank's turn and a line's frames, or one request would
  // hold the resource for several bins on its own.
  auto where = [&](const char* at) {
    const toml::node* n = root.at_path(at).node();
    return n ? n->source() : root.source();
  };
  constexpr double kBinNs = 50;
  {
    double frame = 12.0 / p.dram.lane_gbps;
    double write_line = double(p.l2.line_bytes) / (8.0 * p.dram.channels_per_mcu) * frame;
    if (write_line > kBinNs)
      c.fail(where("dram.lane_gbps"), "dram.lane_gbps",
             fmt::format("{:g} Gb/s moves a {}-byte line to memory in {:.1f} ns: it must fit a {:g} ns bandwidth bin",
                         p.dram.lane_gbps, p.l2.line_bytes, write_line, kBinNs));
    if (p.dram.t_rc_ns > 1000)
      c.fail(where("dram.t_rc_ns"), "dram.t_rc_ns", "must be at most 1000 ns (a DRAM row cycle)");
  }
  if (double(l.l2_bank_busy_cycles) * p.cycle_ns() > kBinNs)
    c.fail(where(root.at_path("latency.l2_bank_busy_cycles") ? "latency.l2_bank_busy_cycles" : "clock_mhz"),
           "latency.l2_bank_busy_cycles",
           fmt::format("{} cycles at {:g} MHz is {:g} ns: an L2 bank access must fit a {:g} ns bandwidth bin",
                       l.l2_bank_busy_cycles, double(p.clock_hz) / 1e6, double(l.l2_bank_busy_cycles) * p.cycle_ns(), kBinNs));
  // The idle memory latency is the fixed pipeline plus the DRAM and its frames: it cannot be
  // shorter than those.
  {
    double frame = 12.0 / p.dram.lane_gbps;
    double floor = p.dram.chip_request_ns + p.dram.chip_return_ns + frame / 3 + p.dram.t_rcd_ns + p.dram.t_cl_ns +
                   double(p.l2.line_bytes) / (16.0 * p.dram.channels_per_mcu) * frame;
    if (p.lat.local_memory_ns < floor) {
      c.fail(where("latency.local_memory_ns"), "latency.local_memory_ns",
             fmt::format("{:g} ns is less than the chip path, DRAM and FB-DIMM frames take ({:.1f} ns)",
                         p.lat.local_memory_ns, floor));
    }
  }
  if (!root.get("name")) throw PlatformError(path + ":1:1: name: missing (every platform file names its machine)");
  return p;
}

}  // namespace vfsim::platform

// The tracer behind trace.h: which categories are on (for the host and per domain), the
// events held back until every core has passed their time, and the outputs.
//
// Ordering rule: cores run their quanta one after another, each on its own clock, so an event
// stamped t can still be followed by one stamped t - quantum from a core that has not run yet.
// SystemC time is where the slowest core is; an event older than that minus the skew (one
// quantum) is final. sync() sorts what is held by (time, emission order) and writes what is
// final. An event that arrives behind what was written (a service stamping a stale clock) is
// written next, counted as late, and the outputs keep their own order (VCD clamps).
#include "sim/trace/trace.h"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <sstream>
#include <unordered_set>

#include <fmt/format.h>
#include <systemc>

namespace vfsim::trace {

namespace detail {
uint64_t g_mask = 0;
}

namespace {

const CategoryInfo kInfo[] = {
#define X(id, name, in_all, what) {name, in_all != 0, what},
#include "sim/trace/categories.def"
#undef X
};

// Names that stand for several categories.
struct Group {
  const char* name;
  const char* members;   // comma-separated
  const char* what;
};
const Group kGroups[] = {
    {"hv-trace", "hcall,ldc,vio,console,crypto,pcie,nvme", "what --hv-trace FILE has always written"},
    {"channels", "ldc,vio,ds,console,md", "everything that crosses an LDC channel"},
    {"devices", "crypto,pcie,nvme", "crypto units, PCIe and NVMe"},
    {"manager", "domain,ldm,migration", "what ldmd does: domain states, commands, migration"},
    {"timing", "strand,cache", "the timed model's activity, sampled per quantum"},
};

constexpr size_t kHoldMax = 16384;   // sync() from emit() when this many are held

struct Output {
  std::unique_ptr<Sink> sink;
  uint64_t written = 0;
};

struct Tracer {
  uint64_t host_mask = 0;
  std::map<std::string, uint64_t> domain_mask;
  std::vector<Event> held;
  std::vector<Output> outputs;
  uint64_t seq = 0, flows = 0, written = 0, late = 0, dropped = 0, last_ps = 0;
  // Flows whose start went to the open outputs: a flow's end is only written with its start
  // (not when the start was filtered out, or went to a file since closed).
  std::unordered_set<uint64_t> started;
  double cycle_ns = 1.0;
  uint64_t skew_ps = 0;
  size_t next_sync = kHoldMax;
  uint64_t held_min = UINT64_MAX;   // the oldest held event's time
  std::string finished;   // outputs finish() completed, for summary()

  void recompute() {
    uint64_t m = host_mask;
    for (auto& [d, dm] : domain_mask) m |= dm;
    detail::g_mask = m;
  }
  void write_upto(uint64_t horizon, bool all) {
    // Nothing due: no sort (ldmd calls this after every look at its socket).
    if (held.empty() || (!all && held_min > horizon)) return;
    std::sort(held.begin(), held.end(), [](const Event& a, const Event& b) { return a.ps != b.ps ? a.ps < b.ps : a.seq < b.seq; });
    size_t n = all ? held.size()
                   : size_t(std::upper_bound(held.begin(), held.end(), horizon, [](uint64_t h, const Event& e) { return h < e.ps; }) -
                            held.begin());
    for (size_t i = 0; i < n; ++i) {
      const Event& e = held[i];
      if (e.ps < last_ps) ++late;
      last_ps = std::max(last_ps, e.ps);
      for (auto& o : outputs) {
        o.sink->write(e);
        ++o.written;
      }
      ++written;
    }
    held.erase(held.begin(), held.begin() + long(n));
    held_min = held.empty() ? UINT64_MAX : held.front().ps;   // sorted: the first is the oldest
  }
};

Tracer& T() {
  static Tracer t;
  return t;
}

bool lookup(const std::string& name, uint64_t& bits) {
  if (name == "all") {
    for (unsigned c = 0; c < unsigned(Category::count); ++c)
      if (kInfo[c].in_all) bits |= uint64_t(1) << c;
    return true;
  }
  for (unsigned c = 0; c < unsigned(Category::count); ++c)
    if (name == kInfo[c].name) {
      bits |= uint64_t(1) << c;
      return true;
    }
  for (const Group& g : kGroups)
    if (name == g.name) {
      std::stringstream ss(g.members);
      for (std::string m; std::getline(ss, m, ',');) lookup(m, bits);
      return true;
    }
  return false;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string p; std::getline(ss, p, sep);) out.push_back(p);
  if (!s.empty() && s.back() == sep) out.push_back("");
  return out;
}

uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

// The categories a comma-separated spec names, or false and why (an empty spec, an unknown
// name): the one parse behind valid(), set() and enable_option().
bool parse(const std::string& spec, uint64_t& bits, std::string& err) {
  if (spec.empty()) {   // names nothing: refused rather than done
    err = "no trace categories given (`--trace help` lists them)";
    return false;
  }
  for (const std::string& n : split(spec, ','))
    if (!lookup(n, bits)) {
      err = fmt::format("unknown trace category '{}' (`--trace help` lists them)", n);
      return false;
    }
  return true;
}

}  // namespace

const CategoryInfo& info(Category c) { return kInfo[unsigned(c)]; }

void emit(Event e) {
  Tracer& t = T();
  uint64_t bit = uint64_t(1) << unsigned(e.cat);
  if (!(t.host_mask & bit)) {
    auto it = e.domain.empty() ? t.domain_mask.end() : t.domain_mask.find(e.domain);
    if (it == t.domain_mask.end() || !(it->second & bit)) return;
  }
  if (t.outputs.empty()) {
    ++t.dropped;
    return;
  }
  if (e.flow_in && !t.started.erase(e.flow_in)) e.flow_in = 0;
  if (e.flow_out) t.started.insert(e.flow_out);
  e.seq = t.seq++;
  t.held_min = std::min(t.held_min, e.ps);
  t.held.push_back(std::move(e));
  if (t.held.size() >= t.next_sync) {   // what is still too new waits for the next round
    sync();
    t.next_sync = t.held.size() + kHoldMax;
  }
}

void instant(Category c, uint64_t ps, Track track, std::string domain, std::string name, std::string text) {
  Event e(c, Phase::Instant, ps, std::move(track), std::move(domain), std::move(name));
  e.text = std::move(text);
  emit(std::move(e));
}

uint64_t new_flow() { return ++T().flows; }

void set_cycle_ns(double ns) { T().cycle_ns = ns; }
uint64_t cycles_to_ps(uint64_t cycles) { return uint64_t(std::llround(double(cycles) * T().cycle_ns * 1000.0)); }
void set_skew_ps(uint64_t ps) { T().skew_ps = ps; }

bool add_output(const std::string& path, std::string& err) {
  if (path.empty()) {
    err = "trace output: empty file name";
    return false;
  }
  auto ends = [&](const char* s) {
    std::string x(s);
    return path.size() > x.size() && path.compare(path.size() - x.size(), x.size(), x) == 0;
  };
  for (auto& o : T().outputs)
    if (o.sink->path == path) {
      err = fmt::format("trace output {} is already open", path);
      return false;
    }
  std::unique_ptr<Sink> s = ends(".json") ? make_chrome_json_sink(path, err)
                            : ends(".vcd") ? make_vcd_sink(path, err)
                                           : make_text_sink(path, err);
  if (!s) return false;
  s->path = path;
  T().outputs.push_back({std::move(s), 0});
  return true;
}

bool any_output() { return !T().outputs.empty(); }

bool valid(const std::string& spec, std::string& err) {
  uint64_t bits = 0;
  return parse(spec, bits, err);
}

bool any_on() { return detail::g_mask != 0; }

std::vector<std::string> outputs() {
  std::vector<std::string> v;
  for (auto& o : T().outputs) v.push_back(o.sink->path);
  return v;
}

bool set(const std::string& spec, const std::string& domain, bool enable, std::string& err) {
  uint64_t bits = 0;
  if (!parse(spec, bits, err)) return false;
  if (!enable && spec == "all") bits = ~uint64_t(0);   // off all: every category, insn too
  Tracer& t = T();
  if (!enable && domain.empty()) {
    // Off without a domain is off everywhere: `vfctl trace off all` after `on ldc ldg1` stops
    // and closes, as docs/tracing.md shows.
    t.host_mask &= ~bits;
    for (auto it = t.domain_mask.begin(); it != t.domain_mask.end();)
      it = (it->second &= ~bits) ? std::next(it) : t.domain_mask.erase(it);
  } else {
    uint64_t& m = domain.empty() ? t.host_mask : t.domain_mask[domain];
    m = enable ? (m | bits) : (m & ~bits);
    if (!domain.empty() && m == 0) t.domain_mask.erase(domain);
  }
  t.recompute();
  return true;
}

bool enable_option(const std::string& option, std::string& err) {
  size_t at = option.find('@');
  std::string cats = option.substr(0, at);
  if (cats.empty()) {
    err = fmt::format("--trace {}: no categories", option);
    return false;
  }
  if (at == std::string::npos) return set(cats, "", true, err);
  if (!valid(cats, err)) return false;   // the categories once, before any domain changes
  std::vector<std::string> doms = split(option.substr(at + 1), ',');
  for (const std::string& d : doms)
    if (d.empty()) {
      err = fmt::format("--trace {}: empty domain name after '@'", option);
      return false;
    }
  for (const std::string& d : doms)
    if (!set(cats, d, true, err)) return false;
  return true;
}

void sync() {
  Tracer& t = T();
  uint64_t now = now_ps();
  t.write_upto(now > t.skew_ps ? now - t.skew_ps : 0, false);
}

void finish() {
  Tracer& t = T();
  t.started.clear();   // flows still open end in no file
  t.write_upto(0, true);
  for (auto& o : t.outputs) {
    o.sink->finish();
    t.finished += (t.finished.empty() ? "" : ", ") + o.sink->path;
  }
  t.outputs.clear();
}

std::string summary() {
  Tracer& t = T();
  if (t.finished.empty()) return "";
  return fmt::format("trace: {} events to {} ({} late)", t.written, t.finished, t.late);
}

std::string status() {
  Tracer& t = T();
  std::string s = fmt::format("{:<10} {:<5} {}\n", "CATEGORY", "HOST", "DOMAINS");
  for (unsigned c = 0; c < unsigned(Category::count); ++c) {
    uint64_t bit = uint64_t(1) << c;
    std::string doms;
    for (auto& [d, m] : t.domain_mask)
      if (m & bit) doms += (doms.empty() ? "" : ",") + d;
    s += fmt::format("{:<10} {:<5} {}\n", kInfo[c].name, (t.host_mask & bit) ? "on" : "off", doms.empty() ? "-" : doms);
  }
  if (t.outputs.empty()) s += "Outputs: none\n";
  for (auto& o : t.outputs) s += fmt::format("Output: {} ({} events)\n", o.sink->path, o.written);
  s += fmt::format("Events: {} written, {} held, {} late, {} with no output\n", t.written, t.held.size(), t.late, t.dropped);
  return s;
}

std::string categories_help() {
  std::string s = "Trace categories (--trace CAT[,CAT...][@DOMAIN[,DOMAIN...]]):\n";
  for (unsigned c = 0; c < unsigned(Category::count); ++c)
    s += fmt::format("  {:<10} {}{}\n", kInfo[c].name, kInfo[c].what, kInfo[c].in_all ? "" : " (not in all)");
  s += "Groups:\n  all        every category above not marked otherwise\n";
  for (const Group& g : kGroups) s += fmt::format("  {:<10} {} ({})\n", g.name, g.members, g.what);
  return s;
}

void reset() {
  finish();
  Tracer& t = T();
  t = Tracer{};
  detail::g_mask = 0;
}

}  // namespace vfsim::trace

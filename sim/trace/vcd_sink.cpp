// Value change dump (IEEE 1364 §18) of the counters: strand activity, queue depths,
// utilisation. GTKWave opens it. The header must declare every variable before the first
// change, and a variable is only known when its first value arrives, so changes go to a
// scratch file during the run and finish() writes header + changes into the real one.
//
// SystemC's sc_trace would sample signals at the end of delta cycles, that is at quantum
// boundaries here; our events carry each core's own time within the quantum, so the dump is
// written from them directly (docs/tracing.md).
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <vector>

#include <fmt/format.h>

#include "sim/trace/trace.h"
#include "sim/trace/tracks.h"

namespace vfsim::trace {

namespace {

// VCD identifiers: printable ASCII 33..126, shortest first.
std::string vcd_id(unsigned n) {
  std::string s;
  do {
    s += char(33 + n % 94);
    n /= 94;
  } while (n);
  return s;
}

std::string vcd_name(std::string s) {
  for (char& c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.')) c = '_';
  return s;
}

class VcdSink : public Sink {
 public:
  VcdSink(std::FILE* out, std::FILE* scratch) : out_(out), body_(scratch) {}
  ~VcdSink() override { finish(); }

  void write(const Event& e) override {
    if (!out_ || e.phase != Phase::Counter) return;
    std::string g = track_group(e.track), key = g + "\x1f" + track_name(e.track) + "\x1f" + e.name;
    auto it = vars_.find(key);
    if (it == vars_.end()) {
      it = vars_.emplace(key, Var{g, track_name(e.track), e.name, vcd_id(unsigned(vars_.size())), 0, false}).first;
      order_.push_back(key);
    }
    Var& v = it->second;
    if (v.seen && v.last == e.value) return;
    v.seen = true;
    v.last = e.value;
    uint64_t t = std::max(e.ps, last_ps_);   // a late event is drawn when it arrives
    if (!any_ || t != last_ps_) fmt::print(body_, "#{}\n", t);
    any_ = true;
    last_ps_ = t;
    fmt::print(body_, "r{:.17g} {}\n", e.value, v.id);
  }

  void finish() override {
    if (!out_) return;
    fmt::print(out_, "$date simulated $end\n$version vfsim trace $end\n$timescale 1ps $end\n");
    // Scopes: group (host, a domain, services, strands) then track.
    std::map<std::string, std::map<std::string, std::vector<const Var*>>> tree;
    for (const auto& k : order_) {
      const Var& v = vars_.at(k);
      tree[v.group][v.track].push_back(&v);
    }
    for (auto& [g, tracks] : tree) {
      fmt::print(out_, "$scope module {} $end\n", vcd_name(g));
      for (auto& [t, vs] : tracks) {
        fmt::print(out_, "$scope module {} $end\n", vcd_name(t));
        for (const Var* v : vs) fmt::print(out_, "$var real 64 {} {} $end\n", v->id, vcd_name(v->name));
        fmt::print(out_, "$upscope $end\n");
      }
      fmt::print(out_, "$upscope $end\n");
    }
    fmt::print(out_, "$enddefinitions $end\n");
    std::fflush(body_);
    std::rewind(body_);
    char buf[65536];
    for (size_t n; (n = std::fread(buf, 1, sizeof buf, body_)) > 0;) std::fwrite(buf, 1, n, out_);
    std::fclose(body_);
    std::fclose(out_);
    out_ = body_ = nullptr;
  }

 private:
  struct Var {
    std::string group, track, name, id;
    double last;
    bool seen;
  };
  std::FILE* out_;
  std::FILE* body_;
  std::map<std::string, Var> vars_;
  std::vector<std::string> order_;
  uint64_t last_ps_ = 0;
  bool any_ = false;
};

}  // namespace

std::unique_ptr<Sink> make_vcd_sink(const std::string& path, std::string& err) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    err = fmt::format("cannot write trace file {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  std::FILE* scratch = std::tmpfile();
  if (!scratch) {
    err = fmt::format("trace file {}: no scratch file for the value changes: {}", path, std::strerror(errno));
    std::fclose(f);
    return nullptr;
  }
  return std::make_unique<VcdSink>(f, scratch);
}

}  // namespace vfsim::trace

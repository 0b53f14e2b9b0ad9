// Chrome trace event format (the JSON that chrome://tracing and ui.perfetto.dev open). Each
// track group is a process (the host, each domain, the services, the strands) and each track
// a thread in it, named by metadata events the first time it appears. Flows use the "s"/"f"
// pair bound to the enclosing slice; an instant that starts or ends a flow becomes a slice of
// zero length so that it can hold one. Times are microseconds with picosecond digits.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "sim/trace/trace.h"
#include "sim/trace/tracks.h"

namespace vfsim::trace {

namespace {

std::string json_str(const std::string& s) { return nlohmann::json(s).dump(); }

class ChromeJsonSink : public Sink {
 public:
  explicit ChromeJsonSink(std::FILE* f) : f_(f) {
    std::fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n", f_);
  }
  ~ChromeJsonSink() override { finish(); }

  void write(const Event& e) override {
    if (!f_) return;
    auto [pid, tid] = ids(e.track);
    last_ps_ = std::max(last_ps_, e.ps);
    std::string ts = fmt::format("{}.{:06}", e.ps / 1000000, e.ps % 1000000);
    std::string common = fmt::format("\"pid\":{},\"tid\":{},\"ts\":{}", pid, tid, ts);
    std::string cat = json_str(info(e.cat).name);
    bool flows = e.flow_in || e.flow_out;
    switch (e.phase) {
      case Phase::Counter:
        // Chrome keys counters by process and name: the track's name keeps vCPUs apart.
        line(fmt::format("{{\"ph\":\"C\",\"cat\":{},\"name\":{},{},\"args\":{{\"value\":{}}}}}", cat,
                         json_str(track_name(e.track) + " " + e.name), common, number(e.value)));
        return;
      case Phase::Begin:
        line(fmt::format("{{\"ph\":\"B\",\"cat\":{},\"name\":{},{}{}}}", cat, json_str(e.name), common, args(e)));
        ++open_[{pid, tid}];
        break;
      case Phase::End: {
        // The file stays balanced whatever was switched on or off meanwhile: an End whose
        // Begin this file never got is dropped, and finish() ends what is still open.
        auto o = open_.find({pid, tid});
        if (o == open_.end() || o->second == 0) return;
        --o->second;
        line(fmt::format("{{\"ph\":\"E\",{}{}}}", common, args(e)));
        break;
      }
      case Phase::Complete:
        line(fmt::format("{{\"ph\":\"X\",\"cat\":{},\"name\":{},{},\"dur\":{}.{:06}{}}}", cat, json_str(e.name), common,
                         e.dur_ps / 1000000, e.dur_ps % 1000000, args(e)));
        break;
      case Phase::Instant:
        if (flows)
          line(fmt::format("{{\"ph\":\"X\",\"cat\":{},\"name\":{},{},\"dur\":0{}}}", cat, json_str(e.name), common, args(e)));
        else
          line(fmt::format("{{\"ph\":\"i\",\"s\":\"t\",\"cat\":{},\"name\":{},{}{}}}", cat, json_str(e.name), common, args(e)));
        break;
    }
    if (e.flow_in)
      line(fmt::format("{{\"ph\":\"f\",\"bp\":\"e\",\"cat\":{},\"name\":\"flow\",\"id\":{},{}}}", cat, e.flow_in, common));
    if (e.flow_out)
      line(fmt::format("{{\"ph\":\"s\",\"cat\":{},\"name\":\"flow\",\"id\":{},{}}}", cat, e.flow_out, common));
  }

  void finish() override {
    if (!f_) return;
    for (auto& [track, n] : open_)
      for (; n > 0; --n)
        line(fmt::format("{{\"ph\":\"E\",\"pid\":{},\"tid\":{},\"ts\":{}.{:06},\"args\":{{\"unfinished\":1}}}}", track.first,
                         track.second, last_ps_ / 1000000, last_ps_ % 1000000));
    std::fputs("\n]}\n", f_);
    std::fclose(f_);
    f_ = nullptr;
  }

 private:
  void line(const std::string& s) {
    if (!first_) std::fputs(",\n", f_);
    first_ = false;
    std::fputs(s.c_str(), f_);
  }
  static std::string number(double v) {
    // JSON has no NaN or infinity (a counter computed from nothing): null, as nlohmann writes
    // them. The range check keeps the integer cast defined.
    if (!std::isfinite(v)) return "null";
    if (std::fabs(v) < 9.0e18 && v == double(int64_t(v))) return fmt::format("{}", int64_t(v));
    return fmt::format("{:.6g}", v);
  }
  static std::string args(const Event& e) {
    if (e.args.empty()) return "";
    std::string s = ",\"args\":{";
    for (size_t i = 0; i < e.args.size(); ++i) {
      const Arg& a = e.args[i];
      s += fmt::format("{}{}:{}", i ? "," : "", json_str(a.key), a.is_num ? fmt::format("{}", a.num) : json_str(a.str));
    }
    return s + "}";
  }
  // Process and thread ids, named on first sight. The host is process 1 and comes first.
  std::pair<unsigned, unsigned> ids(const Track& t) {
    std::string g = track_group(t);
    auto pi = pids_.find(g);
    if (pi == pids_.end()) {
      unsigned pid = t.kind == TrackKind::Host ? 1 : next_pid_++;
      pi = pids_.emplace(g, pid).first;
      line(fmt::format("{{\"ph\":\"M\",\"name\":\"process_name\",\"pid\":{},\"tid\":0,\"args\":{{\"name\":{}}}}}", pid, json_str(g)));
      line(fmt::format("{{\"ph\":\"M\",\"name\":\"process_sort_index\",\"pid\":{},\"tid\":0,\"args\":{{\"sort_index\":{}}}}}", pid, pid));
    }
    unsigned tid;
    switch (t.kind) {
      case TrackKind::Host: case TrackKind::Domain: tid = 1; break;
      case TrackKind::Vcpu: tid = 100 + unsigned(t.id); break;
      case TrackKind::Channel: tid = 100000 + unsigned(t.id); break;
      case TrackKind::Strand: tid = 1 + unsigned(t.id); break;
      case TrackKind::Service: {
        auto si = services_.emplace(t.owner, unsigned(services_.size()) + 1).first;
        tid = si->second;
        break;
      }
      default: tid = 0;
    }
    if (named_.emplace(pi->second, tid).second)
      line(fmt::format("{{\"ph\":\"M\",\"name\":\"thread_name\",\"pid\":{},\"tid\":{},\"args\":{{\"name\":{}}}}}", pi->second, tid,
                       json_str(track_name(t))));
    return {pi->second, tid};
  }

  std::FILE* f_;
  bool first_ = true;
  unsigned next_pid_ = 2;
  std::map<std::string, unsigned> pids_, services_;
  std::set<std::pair<unsigned, unsigned>> named_;
  std::map<std::pair<unsigned, unsigned>, unsigned> open_;   // Begins without their End yet
  uint64_t last_ps_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_chrome_json_sink(const std::string& path, std::string& err) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    err = fmt::format("cannot write trace file {}: {}", path, std::strerror(errno));
    return nullptr;
  }
  return std::make_unique<ChromeJsonSink>(f);
}

}  // namespace vfsim::trace

// A trace of some categories to a temporary Chrome JSON file (and a text file) for one test,
// read back with nlohmann::json: the events with their tracks named "group/track" as the JSON names them
// ("a/vcpu1", "services/ds@a"), and the flows' start and end counts by id.
#pragma once
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <unistd.h>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/trace/trace.h"

namespace hvtest {

namespace trace = vfsim::trace;

class TraceCapture {
 public:
  explicit TraceCapture(const std::string& categories) {
    trace::reset();
    char tmpl[] = "/tmp/vfsim-trace-test-XXXXXX.json";
    int fd = mkstemps(tmpl, 5);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = tmpl;
    char ttmpl[] = "/tmp/vfsim-trace-test-XXXXXX.txt";
    fd = mkstemps(ttmpl, 4);
    REQUIRE(fd >= 0);
    close(fd);
    text_path_ = ttmpl;
    std::string err;
    REQUIRE(trace::add_output(path_, err));
    REQUIRE(trace::add_output(text_path_, err));
    REQUIRE(trace::set(categories, "", true, err));
  }
  ~TraceCapture() {
    trace::reset();
    std::remove(path_.c_str());
    std::remove(text_path_.c_str());
  }
  TraceCapture(const TraceCapture&) = delete;
  TraceCapture& operator=(const TraceCapture&) = delete;

  // Complete the output and read it: every non-metadata event, each with "track" added.
  void finish() {
    trace::finish();
    trace::reset();
    std::ifstream txt(text_path_);
    REQUIRE(txt);
    text.assign(std::istreambuf_iterator<char>(txt), std::istreambuf_iterator<char>());
    std::ifstream in(path_);
    REQUIRE(in);
    nlohmann::json doc = nlohmann::json::parse(in);   // throws (fails the test) on malformed JSON
    std::map<int, std::string> process;
    std::map<std::pair<int, int>, std::string> thread;
    for (const auto& e : doc.at("traceEvents"))
      if (e.at("ph") == "M" && e.at("name") == "process_name") process[e.at("pid")] = e.at("args").at("name");
    for (const auto& e : doc.at("traceEvents"))
      if (e.at("ph") == "M" && e.at("name") == "thread_name")
        thread[{e.at("pid"), e.at("tid")}] = process[e.at("pid")] + "/" + e.at("args").at("name").get<std::string>();
    size_t owner = SIZE_MAX;   // the sink writes an event's "f" and "s" right after it
    for (auto e : doc.at("traceEvents")) {
      if (e.at("ph") == "M") continue;
      e["track"] = thread[{e.at("pid"), e.at("tid")}];
      bool flow = e.at("ph") == "s" || e.at("ph") == "f";
      if (flow && owner != SIZE_MAX) events[owner][e.at("ph") == "s" ? "flow_out" : "flow_in"] = e.at("id");
      if (!flow) owner = events.size();
      events.push_back(e);
    }
  }

  // The events named `name` (slices, instants; counters are named "TRACK NAME").
  std::vector<nlohmann::json> named(const std::string& name, const std::string& ph = "") const {
    std::vector<nlohmann::json> v;
    for (const auto& e : events)
      if (e.contains("name") && e.at("name") == name && (ph.empty() || e.at("ph") == ph)) v.push_back(e);
    return v;
  }
  // Whether event a starts the flow event b ends ("flow_out"/"flow_in": ids of the flow
  // events written with them).
  static bool linked(const nlohmann::json& a, const nlohmann::json& b) {
    return a.contains("flow_out") && b.contains("flow_in") && a.at("flow_out") == b.at("flow_in");
  }
  // Every flow id with how many "s" and "f" it has.
  std::map<uint64_t, std::pair<int, int>> flows() const {
    std::map<uint64_t, std::pair<int, int>> m;
    for (const auto& e : events) {
      if (e.at("ph") == "s") ++m[e.at("id").get<uint64_t>()].first;
      if (e.at("ph") == "f") ++m[e.at("id").get<uint64_t>()].second;
    }
    return m;
  }
  // Each flow begun and ended exactly once.
  void check_flows_paired() const {
    for (const auto& [id, n] : flows()) {
      INFO("flow " << id);
      CHECK(n.first == 1);
      CHECK(n.second == 1);
    }
  }

  std::vector<nlohmann::json> events;
  std::string text;   // the text output of the same events

 private:
  std::string path_, text_path_;
};

}  // namespace hvtest

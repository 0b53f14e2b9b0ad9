// Helpers of the trace tests: a scratch directory, reading a file whole, and a small reader of
// value change dumps that checks what a waveform viewer relies on (every change names a declared
// variable, times strictly increase, scopes balance).
#pragma once
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sim/trace/trace.h"

// A fresh directory, removed (with the tracer's settings) when the test ends.
struct TraceDir {
  std::filesystem::path dir;
  TraceDir() {
    vfsim::trace::reset();
    dir = std::filesystem::temp_directory_path() /
          ("vfsim-trace-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter()++));
    std::filesystem::create_directories(dir);
  }
  ~TraceDir() {
    vfsim::trace::reset();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
  std::string path(const std::string& name) const { return (dir / name).string(); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Vcd {
  std::string timescale;
  std::map<std::string, std::string> vars;   // id -> scope.scope.name
  struct Change {
    uint64_t time;
    std::string id;
    double value;
  };
  std::vector<Change> changes;
  std::vector<uint64_t> times;
};

// Reads the subset of IEEE 1364 VCD our writer uses ($scope/$var/$upscope/$enddefinitions,
// #time, rVALUE ID). false and why on anything a reader would trip over.
inline bool parse_vcd(const std::string& text, Vcd& v, std::string& err) {
  v = Vcd{};
  std::istringstream in(text);
  std::vector<std::string> scope;
  bool defs_done = false, have_time = false;
  uint64_t now = 0;
  std::string tok;
  auto words_to_end = [&](std::vector<std::string>& w) {
    w.clear();
    for (std::string t; in >> t;) {
      if (t == "$end") return true;
      w.push_back(t);
    }
    return false;
  };
  std::vector<std::string> w;
  while (in >> tok) {
    if (!defs_done) {
      if (tok == "$date" || tok == "$version" || tok == "$comment" || tok == "$timescale") {
        if (!words_to_end(w)) return err = tok + " without $end", false;
        if (tok == "$timescale") {
          v.timescale.clear();
          for (auto& x : w) v.timescale += x;
        }
      } else if (tok == "$scope") {
        if (!words_to_end(w) || w.size() != 2) return err = "bad $scope", false;
        scope.push_back(w[1]);
      } else if (tok == "$upscope") {
        if (!words_to_end(w) || !w.empty()) return err = "bad $upscope", false;
        if (scope.empty()) return err = "$upscope without $scope", false;
        scope.pop_back();
      } else if (tok == "$var") {
        if (!words_to_end(w) || w.size() != 4) return err = "bad $var", false;
        if (scope.empty()) return err = "$var outside a scope", false;
        std::string name;
        for (auto& s : scope) name += s + ".";
        if (!v.vars.emplace(w[2], name + w[3]).second) return err = w[2] + " declared twice", false;
      } else if (tok == "$enddefinitions") {
        if (!words_to_end(w)) return err = "bad $enddefinitions", false;
        if (!scope.empty()) return err = "unclosed $scope", false;
        defs_done = true;
      } else {
        return err = "no $enddefinitions", false;
      }
      continue;
    }
    if (tok[0] == '#') {
      uint64_t t = std::stoull(tok.substr(1));
      if (have_time && t <= now) return err = "time " + std::to_string(t) + " after " + std::to_string(now), false;
      now = t;
      have_time = true;
      v.times.push_back(t);
    } else if (tok[0] == 'r' || tok[0] == 'b') {
      std::string id;
      if (!(in >> id)) return err = "value without an identifier", false;
      if (!v.vars.count(id)) return err = "change of undeclared " + id, false;
      if (!have_time) return err = "change before any time", false;
      v.changes.push_back({now, id, tok[0] == 'r' ? std::stod(tok.substr(1)) : double(std::stoull(tok.substr(1), nullptr, 2))});
    } else if (tok[0] == '0' || tok[0] == '1') {
      std::string id = tok.substr(1);
      if (!v.vars.count(id)) return err = "change of undeclared " + id, false;
      if (!have_time) return err = "change before any time", false;
      v.changes.push_back({now, id, double(tok[0] - '0')});
    } else if (tok == "$dumpvars" || tok == "$end") {
      continue;
    } else {
      return err = "unexpected " + tok, false;
    }
  }
  if (!defs_done) return err = "no $enddefinitions", false;
  return true;
}

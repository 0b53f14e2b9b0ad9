#include "ldm/migration_trace.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>
#include <systemc>

namespace vfsim::ldm {

namespace {
// Every migration with slices open, for close_all() (main thread only, as all of this).
std::set<std::shared_ptr<MigrationTrace>>& live() {
  static std::set<std::shared_ptr<MigrationTrace>> s;
  return s;
}
std::string line(const std::string& name, const std::vector<trace::Arg>& args) {
  std::string s = name;
  for (const auto& a : args) s += fmt::format(" {}={}", a.key, a.is_num ? std::to_string(a.num) : a.str);
  return s;
}
}  // namespace

void MigrationTrace::push(const std::string& name, std::vector<trace::Arg> args) {
  trace::Event e(trace::Category::migration, trace::Phase::Begin, sc_core::sc_time_stamp().value(),
                 trace::Track::service("migration " + domain_), domain_, name);
  e.text = fmt::format("migration {}: begin {}", domain_, line(name, args));
  e.args = std::move(args);
  trace::emit(std::move(e));
  open_.push_back(name);
  live().insert(shared_from_this());
}

void MigrationTrace::pop(std::vector<trace::Arg> args) {
  if (open_.empty()) return;
  trace::Event e(trace::Category::migration, trace::Phase::End, sc_core::sc_time_stamp().value(),
                 trace::Track::service("migration " + domain_), domain_, open_.back());
  e.text = fmt::format("migration {}: end {}", domain_, line(open_.back(), args));
  e.args = std::move(args);
  trace::emit(std::move(e));
  open_.pop_back();
  if (open_.empty()) {
    auto self = shared_from_this();   // (the registry may hold the last reference)
    live().erase(self);
  }
}

void MigrationTrace::begin(const std::string& domain, const std::string& what, std::vector<trace::Arg> args) {
  if (!trace::on(trace::Category::migration) || !open_.empty()) return;
  domain_ = domain;
  push(what, std::move(args));
}

void MigrationTrace::phase(const std::string& name, std::vector<trace::Arg> args) {
  if (open_.empty() || (open_.size() >= 2 && open_[1] == name)) return;   // (not traced from its start)
  while (open_.size() > 1) pop({});
  push(name, std::move(args));
}

void MigrationTrace::round_begin(const std::string& name, std::vector<trace::Arg> args) {
  if (open_.size() < 2) return;
  while (open_.size() > 2) pop({});
  push(name, std::move(args));
}

void MigrationTrace::round_end(std::vector<trace::Arg> args) {
  if (open_.size() == 3) pop(std::move(args));
}

void MigrationTrace::end(std::vector<trace::Arg> args) {
  while (open_.size() > 1) pop({});
  pop(std::move(args));
}

void MigrationTrace::close_all() {
  std::vector<std::shared_ptr<MigrationTrace>> all(live().begin(), live().end());
  for (const auto& t : all) t->end({{"outcome", "ldmd stopped", 0, false}});
}

}  // namespace vfsim::ldm

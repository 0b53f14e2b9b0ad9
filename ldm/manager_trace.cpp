#include "ldm/manager_trace.h"

#include <algorithm>

#include <fmt/format.h>
#include <systemc>

#include "ldm/migration_trace.h"
#include "sim/trace/trace.h"

namespace vfsim::ldm {

namespace {
uint64_t now_ps() { return sc_core::sc_time_stamp().value(); }

void slice(trace::Category cat, trace::Phase ph, trace::Track track, std::string domain, std::string name,
           std::vector<trace::Arg> args, std::string text) {
  trace::Event e(cat, ph, now_ps(), std::move(track), std::move(domain), std::move(name));
  e.args = std::move(args);
  e.text = std::move(text);
  trace::emit(std::move(e));
}
}  // namespace

std::string ManagerTrace::state_of(const Domain& d, DomainHost* host) {
  using Role = Domain::Migration::Role;
  if (d.migration.role == Role::Source) {
    if (d.migration.error) return "migration error";
    return d.migration.suspended ? "suspended (migrating)" : "migrating out";
  }
  if (d.migration.role == Role::Target) return "migrating in";
  if (d.state == State::Active && host && host->suspended(d)) return "suspended";
  return state_name(d.state);
}

void ManagerTrace::domain_states(const Model& m, DomainHost* host) {
  if (!trace::on(trace::Category::domain)) {
    // Off (perhaps by vfctl trace off): the slices open cannot be ended in that output, and a
    // later output must not get Ends of slices it never began: start afresh when it is on.
    states_.clear();
    return;
  }
  // Gone domains first (destroyed, migrated away): their slice ends.
  for (auto it = states_.begin(); it != states_.end();) {
    if (m.find(it->first)) {
      ++it;
      continue;
    }
    slice(trace::Category::domain, trace::Phase::End, trace::Track::domain(it->first), it->first, it->second, {},
          fmt::format("domain {}: {} -> removed", it->first, it->second));
    it = states_.erase(it);
  }
  for (const Domain& d : m.domains) {
    std::string now = state_of(d, host);
    auto it = states_.find(d.name);
    if (it != states_.end() && it->second == now) continue;
    std::string was = it == states_.end() ? std::string("-") : it->second;
    if (it != states_.end())
      slice(trace::Category::domain, trace::Phase::End, trace::Track::domain(d.name), d.name, was, {}, "");
    uint64_t memory = 0;
    for (const MemRange& r : d.mem) memory += r.size;
    std::vector<trace::Arg> args{{"from", was, 0, false}, {"vcpus", {}, d.strands.size(), true}, {"memory", {}, memory, true}};
    slice(trace::Category::domain, trace::Phase::Begin, trace::Track::domain(d.name), d.name, now, std::move(args),
          fmt::format("domain {}: {} -> {}", d.name, was, now));
    states_[d.name] = now;
  }
}

void ManagerTrace::command(const std::string& tool, const std::vector<std::string>& args, const Reply& r) {
  if (!trace::on(trace::Category::ldm)) return;
  auto c = std::make_shared<Open>();
  c->name = tool;
  for (const auto& a : args) {
    // Traces are shared: the migration password ldm sends on never goes into one, and a
    // whole document (vfctl xml, a layout plan) is named by its size.
    if (a.rfind("--target-password", 0) == 0) c->name += " --target-password=********";
    else if (a.size() > 120 || a.find('\n') != std::string::npos) c->name += fmt::format(" ({} bytes)", a.size());
    else c->name += " " + a;
  }
  c->open = true;
  slice(trace::Category::ldm, trace::Phase::Begin, trace::Track::host(), "", c->name, {}, "");
  commands_.push_back(c);
  if (r.pending && !r.pending->done()) {
    // Its slice lasts until the Operation ends: the last finisher sees the final reply.
    r.pending->on_finish([this, c](Reply& fin) { end_command(c, fin); });
    r.pending->on_cancel([this, c] {
      Reply x = fail("cancelled");
      end_command(c, x);
    });
    return;
  }
  end_command(c, r.pending ? r.pending->reply() : r);
}

void ManagerTrace::end_command(const std::shared_ptr<Open>& c, const Reply& r) {
  if (!c->open) return;
  c->open = false;
  std::string err = r.err.substr(0, r.err.find('\n'));
  std::vector<trace::Arg> args{{"code", {}, uint64_t(r.code), true}};
  if (!err.empty()) args.push_back({"error", err, 0, false});
  slice(trace::Category::ldm, trace::Phase::End, trace::Track::host(), "", c->name, std::move(args),
        fmt::format("{}: exit {}{}", c->name, r.code, err.empty() ? "" : ": " + err));
  commands_.erase(std::remove(commands_.begin(), commands_.end(), c), commands_.end());
}

void ManagerTrace::close_all() {
  MigrationTrace::close_all();
  // Newest first, so slices still open end in the order they nest.
  while (!commands_.empty()) {
    Reply x = fail("ldmd stopped");
    end_command(commands_.back(), x);
  }
  for (auto& [name, state] : states_)
    slice(trace::Category::domain, trace::Phase::End, trace::Track::domain(name), name, state, {}, "");
  states_.clear();
}

}  // namespace vfsim::ldm

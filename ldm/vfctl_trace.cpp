// vfctl trace: turn trace categories on and off while the host runs, for the host or one
// domain, and open or close the outputs (sim/trace/trace.h, docs/tracing.md).
#include "ldm/vfctl_commands.h"

#include <fmt/format.h>

#include "sim/trace/trace.h"

namespace vfsim::ldm {

namespace {
std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}
}  // namespace

Reply VfctlCommands::trace_command(const std::vector<std::string>& a) {
  Reply r;
  auto fail = [&](std::string why) {
    r.err = why + "\n";
    r.code = 1;
    return r;
  };
  if (a.size() == 1) {   // vfctl trace: where everything stands
    r.out = trace::status();
    return r;
  }
  if (a.size() == 2 && a[1] == "help") {
    r.out = trace::categories_help();
    return r;
  }
  if ((a[1] != "on" && a[1] != "off") || a.size() < 3)
    return fail("Usage: vfctl trace [on|off CATEGORIES [DOMAIN] [file=FILE]...]   (vfctl trace help lists the categories)");
  bool on = a[1] == "on";
  std::string domain;
  std::vector<std::string> files;
  for (size_t i = 3; i < a.size(); ++i) {
    if (a[i].rfind("file=", 0) == 0) {
      if (!on) return fail(fmt::format("{}: trace off closes outputs by itself when nothing is left on", a[i]));
      files.push_back(a[i].substr(5));
    } else if (domain.empty()) {
      domain = a[i];
    } else {
      return fail(fmt::format("Unexpected argument: {}", a[i]));
    }
  }
  std::string why;
  if (!trace::valid(a[2], why)) return fail(why);
  if (!domain.empty() && !mgr_.model().find(domain)) return fail(fmt::format("LDom {} not found", domain));
  if (on && files.empty() && !trace::any_output())
    return fail("No trace output is open: add file=FILE (FILE.json, FILE.vcd or a text file), or start ldmd with --trace-file");
  for (const std::string& f : files)
    if (!trace::add_output(f, why)) return fail(why);
  if (!trace::set(a[2], domain, on, why)) return fail(why);
  std::string where = domain.empty() ? "the host" : domain;
  if (on) {
    r.out = fmt::format("Tracing {} for {} to {}\n", a[2], where, joined(trace::outputs()));
  } else if (!trace::any_on()) {   // nothing left on: the files are complete now
    std::vector<std::string> closed = trace::outputs();
    trace::finish();
    r.out = fmt::format("Tracing stopped; closed {}\n", closed.empty() ? "nothing" : joined(closed));
  } else {
    r.out = fmt::format("Stopped tracing {} for {}\n", a[2], where);
  }
  return r;
}

}  // namespace vfsim::ldm

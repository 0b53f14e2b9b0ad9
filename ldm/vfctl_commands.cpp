#include "ldm/vfctl_commands.h"
#include "ldm/vfctl_usage.h"
#include "ldm/xml_interface.h"

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <fmt/format.h>

#include "ldm/layout_build.h"
#include "ldm/service_path.h"
#include "models/vdisk_backend.h"

namespace vfsim::ldm {

bool parse_duration(const std::string& s, Duration& d) {
  size_t used = 0;
  double v;
  try { v = std::stod(s, &used); } catch (...) { return false; }
  std::string u = s.substr(used);
  const std::map<std::string, std::pair<Duration::Unit, double>> units = {
      {"ns", {Duration::Unit::Ns, 1e-9}}, {"us", {Duration::Unit::Us, 1e-6}}, {"ms", {Duration::Unit::Ms, 1e-3}},
      {"s", {Duration::Unit::S, 1}},      {"", {Duration::Unit::S, 1}},       {"m", {Duration::Unit::Min, 60}}};
  auto it = units.find(u);
  if (it == units.end() || !(v >= 0) || !(v * it->second.second <= kMaxAdvanceSeconds)) return false;
  d.unit = it->second.first;
  d.value = v;
  return true;
}

Reply VfctlCommands::run(const std::vector<std::string>& a) {
  Reply r;
  auto usage = [&] {
    r.err = vfctl_usage();
    r.code = 1;
    return r;
  };
  if (a.empty()) return usage();
  // What changes the machine waits for a running Operation (operation.h) to end.
  // A snapshot too: the guest is halfway through a conversation with the manager.
  if (auto op = mgr_.running_operation();
      op && (a[0] == "reboot" || a[0] == "snapshot" || (a[0] == "sp" && a.size() >= 2 && a[1] != "showhost")))
    return op->refusal();
  if (a[0] == "reboot" && a.size() == 2) {
    if (a[1] != "primary") {
      r.err = fmt::format("vfctl reboot only reboots the control domain; use ldm stop-domain/start-domain for {}\n", a[1]);
      r.code = 1;
      return r;
    }
    return mgr_.reboot_control();
  }
  if (a[0] == "sp" && a.size() >= 2) {
    if (a[1] == "poweron") return mgr_.poweron();
    if (a[1] == "poweroff") return mgr_.poweroff();
    if (a[1] == "powercycle") {
      Reply off = mgr_.poweroff();
      if (off.code) return off;
      Reply on = mgr_.poweron();
      on.out = off.out + on.out;
      return on;
    }
    if (a[1] == "showhost") {
      const auto& m = mgr_.model();
      r.out = fmt::format("Host: {}\nPlatform: SUNW,{}\nPower: {}\nConfiguration: {}{}\n", m.hostname,
                          mgr_.platform().name, mgr_.powered_on() ? "on" : "off", m.current_config,
                          m.next_config.empty() ? "" : fmt::format(" (next poweron: {})", m.next_config));
      return r;
    }
    if (a[1] == "bootmode" && a.size() == 3 && a[2].rfind("config=", 0) == 0) return mgr_.bootmode(a[2].substr(7));
    return usage();
  }
  if ((a[0] == "console-read" && a.size() == 3) || (a[0] == "console-write" && a.size() == 3)) {
    bool bound = m_.bound(a[1]);
    // (vfctl console -f sends the offset it has read up to: decimal digits)
    uint64_t from = 0;
    if (a[0] == "console-read") {
      errno = 0;
      char* end = nullptr;
      from = std::strtoull(a[2].c_str(), &end, 10);
      if (a[2].empty() || !std::isdigit(static_cast<unsigned char>(a[2][0])) || end != a[2].c_str() + a[2].size() ||
          errno == ERANGE) {
        r.err = fmt::format("console-read: bad offset: {}\n", a[2]);
        r.code = 1;
        return r;
      }
    }
    // A domain that went away (stopped, migrated) still has what it wrote last: a follower
    // gets that first, and only then hears that it is gone.
    std::string rest = a[0] == "console-read" ? m_.console_read(a[1], from) : "";
    if (!bound && rest.empty()) {
      r.err = fmt::format("LDom {} is not bound: it has no console\n", a[1]);
      r.code = 1;
    } else if (a[0] == "console-read") {
      r.out = rest;
    } else {
      m_.console_type(a[1], a[2]);
    }
    return r;
  }
  if (a[0] == "console" && a.size() == 2) {
    if (!mgr_.model().find(a[1])) {
      r.err = fmt::format("LDom {} not found\n", a[1]);
      r.code = 1;
    } else if (!m_.bound(a[1])) {
      r.err = fmt::format("LDom {} is not bound: it has no console\n", a[1]);
      r.code = 1;
    } else {
      r.out = m_.console_read(a[1], 0);
    }
    return r;
  }
  if (a[0] == "clock" && a.size() == 3 && a[1] == "advance") {
    Duration t;
    if (!parse_duration(a[2], t)) {
      r.err = fmt::format("Invalid duration: {} (from 0 to 1h of simulated time, e.g. 10ms)\n", a[2]);
      r.code = 1;
      return r;
    }
    m_.advance(t);
    mgr_.poll();
    r.out = fmt::format("simulated time {}\n", m_.time_stamp());
    return r;
  }
  if (a[0] == "clock" && a.size() == 2 && a[1] == "show") {
    r.out = fmt::format("simulated time {}\n", m_.time_stamp());
    return r;
  }
  // A guest's own clock (docs/hypervisor.md "Virtual time"): what its %stick reads now.
  if (a[0] == "clock" && a.size() == 3 && a[1] == "show") {
    if (!m_.bound(a[2])) {
      r.err = fmt::format("LDom {} is not bound: it has no clock\n", a[2]);
      r.code = 1;
      return r;
    }
    uint64_t stick = 0, tod = 0;
    m_.guest_clock(a[2], stick, tod);
    r.out = fmt::format("{}: %stick {} ({:.6f} s of guest time), time of day {}\n", a[2], stick,
                        double(stick) / double(mgr_.platform().stick_hz), tod);
    return r;
  }
  if (a[0] == "mkfile" && (a.size() == 3 || (a.size() == 4 && a[1] == "-n"))) return mkfile(a);
  // A guest's memory in one number, to compare two runs: CRC-32 of every non-zero page
  // with its real address, in address order.
  if (a[0] == "checksum" && a.size() == 2) {
    if (!m_.bound(a[1])) {
      r.err = fmt::format("LDom {} is not bound: it has no memory\n", a[1]);
      r.code = 1;
      return r;
    }
    uint64_t pages = 0;
    uint32_t crc = m_.memory_checksum(a[1], pages);
    r.out = fmt::format("{}: {} non-zero pages, crc32 {:08x}\n", a[1], pages, crc);
    return r;
  }
  // A guest's suspend for migration, by hand (ldm/commands_suspend.cpp; suspend waits for it).
  if ((a[0] == "suspend" || a[0] == "resume") && a.size() == 2)
    return a[0] == "suspend" ? mgr_.suspend_domain(a[1]) : mgr_.resume_domain(a[1]);
  // The whole host to a file (ldm/snapshot.h); FILE is absolute (vfctl makes it so).
  if (a[0] == "snapshot" && a.size() == 3 && a[1] == "save") {
    if (a[2].empty() || a[2][0] != '/') {
      r.err = fmt::format("snapshot: {}: not an absolute path\n", a[2]);
      r.code = 1;
      return r;
    }
    try {
      r.out = m_.snapshot(a[2]);
    } catch (const std::exception& e) {
      r.err = fmt::format("snapshot: {}\n", e.what());
      r.code = 1;
    }
    return r;
  }
  // The buses and what their devices did (docs/pcie.md).
  if (a[0] == "trace") return trace_command(a);
  if (a[0] == "pcie" && a.size() == 1) {
    r.out = m_.pcie_status();
    return r;
  }
  // Counters for vfctl top and scripts (ldm/stats_sample.h, docs/top.md).
  if (a[0] == "stats" && (a.size() == 1 || (a.size() == 2 && a[1] == "--json"))) {
    StatsSample s;
    if (!m_.stats(s)) {
      r.err = "stats: this ldmd simulates no machine\n";
      r.code = 1;
      return r;
    }
    r.out = a.size() == 2 ? to_json(s) : format_counters(s);
    return r;
  }
  // The layout document (ldm/layout_build.h) of the host, or of a plan for it (vfctl sends
  // the plan file's name and text); vfctl prints or draws it.
  if (a[0] == "layout" && (a.size() == 1 || (a.size() == 4 && a[1] == "--plan"))) {
    layout::Document doc;
    if (a.size() == 1) doc = build_layout(mgr_, m_.device_channels());
    else if (Reply e = plan_layout(mgr_, a[2], a[3], doc); e.code) return e;
    r.out = nlohmann::json(doc).dump(1) + "\n";
    return r;
  }
  if (a[0] == "shutdown") {
    m_.shutdown();
    r.out = "ldmd stopping\n";
    return r;
  }
  return usage();
}

// The control domain's mkfile, for vdsdev backends: PATH is in the service domain's file
// system (ldmd --service-root); the image is sparse (as with -n) and its directories are
// made as needed.
Reply VfctlCommands::mkfile(const std::vector<std::string>& a) {
  Reply r;
  const std::string& size = a[a.size() - 2];
  const std::string& path = a.back();
  uint64_t bytes = 0;
  size_t used = 0;
  try { bytes = std::stoull(size, &used); } catch (...) { used = 0; }
  std::string unit = used ? size.substr(used) : "?";
  const std::map<std::string, unsigned> shift = {{"", 0}, {"b", 9}, {"k", 10}, {"m", 20}, {"g", 30}};
  if (!used || !shift.count(unit) || bytes == 0 || bytes > (~0ull >> shift.at(unit)) || path.empty()) {
    r.err = fmt::format("mkfile: bad size or path: {} {} (e.g. vfctl mkfile -n 10g /ldoms/ldg1/disk0.img)\n", size, path);
    r.code = 1;
    return r;
  }
  std::string why, file = service_host_path(m_.service_root(), path, why);
  if (file.empty()) {
    r.err = fmt::format("mkfile: {}: {}\n", path, why);
    r.code = 1;
    return r;
  }
  try {
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    models::DiskImage::create_sparse(file, bytes << shift.at(unit));
  } catch (const std::exception& e) {
    r.err = fmt::format("mkfile: {}: {}\n", path, e.what());
    r.code = 1;
  }
  return r;
}

Reply handle_request(Manager& mgr, VfctlCommands& vfctl, const std::string& tool, const std::vector<std::string>& argv) {
  if (tool == "xml") {   // an LDM_interface request document (vfctl xml FILE)
    if (!mgr.xml_interface) return fail("ldmd: the XML interface is off: start ldmd with --xml-interface");
    if (argv.size() != 1) return fail("ldmd: an XML request is one document");
    return serve_xml_request(mgr, argv[0]);
  }
  return tool == "vfctl" ? vfctl.run(argv) : tool == "ldm" ? mgr.run(argv) : fail("ldmd: unknown tool " + tool + " (ldm, vfctl or xml)");
}

}  // namespace vfsim::ldm

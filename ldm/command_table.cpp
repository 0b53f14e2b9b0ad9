// The subcommands of ldm (LDoms 1.2 man page and admin guide: ../shared/reference/
// ldm-cli-reference.md §4), one row each, and the one parser that reads every command line.
#include "ldm/command_table.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include <fmt/format.h>

#include "ldm/service_path.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {

bool digits(const std::string& s, size_t max_len = 9) {
  return !s.empty() && s.size() <= max_len &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
}
bool number_in(const std::string& s, unsigned long lo, unsigned long hi) {
  if (!digits(s)) return false;
  unsigned long v = std::stoul(s);
  return v >= lo && v <= hi;
}
// "a,b,c" with every part passing `ok` (an empty list only when `empty_ok`).
template <typename F>
bool each_of_list(const std::string& s, bool empty_ok, F ok) {
  if (s.empty()) return empty_ok;
  size_t pos = 0;
  for (;;) {
    size_t c = s.find(',', pos);
    if (!ok(s.substr(pos, c == std::string::npos ? std::string::npos : c - pos))) return false;
    if (c == std::string::npos) return true;
    pos = c + 1;
  }
}

// ---- the checks of property values (each returns "" or the whole error line) ----------------
std::string invalid(const char* what, const std::string& v, const char* hint = nullptr) {
  return hint ? fmt::format("Invalid {}: {} ({})", what, v, hint) : fmt::format("Invalid {}: {}", what, v);
}
std::string check_policy(const std::string& v) {
  return v == "ignore" || v == "panic" || v == "reset" || v == "stop" ? "" : invalid("failure-policy", v);
}
std::string check_hostid(const std::string& v) {
  char* end = nullptr;
  errno = 0;
  unsigned long long h = std::strtoull(v.c_str(), &end, 0);
  return v.empty() || *end || errno == ERANGE || h > 0xffffffffull || v[0] == '-' ? invalid("hostid", v) : "";
}
std::string check_mac(const std::string& v) {
  uint64_t m = 0;
  return parse_mac(v, m) && m != 0 && !(m >> 40 & 1) ? "" : "Invalid MAC address: " + v;
}
std::string check_masters(const std::string& v) {
  unsigned n = 0;
  bool ok = each_of_list(v, true, [&](const std::string& m) { return ++n <= 4 && valid_name(m); });
  return ok ? "" : invalid("master", v, "at most 4 domain names, separated by commas");
}
std::string check_port_range(const std::string& v) {
  size_t dash = v.find('-');
  if (dash == std::string::npos) return invalid("port-range", v);
  std::string lo = v.substr(0, dash), hi = v.substr(dash + 1);
  return number_in(lo, 1, 65535) && number_in(hi, 1, 65535) && std::stoul(lo) <= std::stoul(hi)
             ? "" : invalid("port-range", v);
}
std::string check_id(const std::string& v) { return digits(v, 6) ? "" : invalid("id", v); }
std::string check_timeout(const std::string& v) { return digits(v, 6) ? "" : invalid("timeout", v); }
// MTU: 1500 to 16000 bytes (the guide's range for jumbo frames on a vsw or vnet).
std::string check_mtu(const std::string& v) {
  return number_in(v, 1500, 16000) ? "" : invalid("mtu", v, "a number from 1500 to 16000");
}
// VLAN ids: 1 to 4094 (802.1Q).
std::string check_pvid(const std::string& v) { return number_in(v, 1, 4094) ? "" : invalid("pvid", v, "a VLAN id from 1 to 4094"); }
std::string check_default_vlan(const std::string& v) {
  return number_in(v, 1, 4094) ? "" : invalid("default-vlan-id", v, "a VLAN id from 1 to 4094");
}
std::string check_vids(const std::string& v) {
  return each_of_list(v, true, [](const std::string& x) { return number_in(x, 1, 4094); })
             ? "" : invalid("vid", v, "VLAN ids from 1 to 4094, separated by commas");
}
// A vsw's mode: sc (Solaris Cluster heartbeat priority), or empty to clear it.
std::string check_vsw_mode(const std::string& v) { return v.empty() || v == "sc" ? "" : invalid("mode", v, "sc, or empty to clear it"); }
// A vnet's mode: hybrid (NIU hybrid I/O), or empty to clear it.
std::string check_vnet_mode(const std::string& v) { return v.empty() || v == "hybrid" ? "" : invalid("mode", v, "hybrid, or empty to clear it"); }
std::string check_vds_options(const std::string& v) {
  std::string bad;
  each_of_list(v, true, [&](const std::string& o) {
    if (o == "ro" || o == "slice" || o == "excl") return true;
    bad = o;
    return false;
  });
  return bad.empty() && (v.empty() || v.back() != ',') ? "" : "Invalid option: " + (bad.empty() ? v : bad);
}
std::string check_name(const std::string& v) { return valid_name(v) ? "" : invalid("name", v); }
std::string check_name_or_empty(const std::string& v) { return v.empty() || valid_name(v) ? "" : invalid("name", v); }
std::string check_volume(const std::string& v) {
  size_t at = v.find('@');
  return at != std::string::npos && valid_name(v.substr(0, at)) && valid_name(v.substr(at + 1)) ? "" : invalid("volume", v);
}
std::string check_net_dev(const std::string& v) {
  bool ok = !v.empty() && v.size() <= 64 &&
            std::all_of(v.begin(), v.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.'; });
  return ok ? "" : invalid("net-dev", v);
}
std::string check_bypass(const std::string& v) { return v == "on" ? "" : invalid("bypass", v, "only bypass=on"); }
std::string check_port(const std::string& v) { return v.empty() || number_in(v, 1, 65535) ? "" : invalid("port", v); }
// Memory is bound in 4 MB blocks (Manager::bind): placed blocks are whole ones.
std::string check_mblock(const std::string& v) {
  std::vector<PaBlock> b;
  return parse_mblocks(v, kMemoryBlock, b);
}
std::string check_group(const std::string& v) { return v.empty() || valid_name(v) ? "" : invalid("group", v); }

using W = CommandSpec::Words;
const PropertySpec kMac{"mac-addr", check_mac};

std::vector<CommandSpec> make_table() {
  const OptionSpec list_opts[] = {{"-e", nullptr}, {"-l", nullptr}, {"-o", "format"}, {"-p", nullptr}, {"--json", nullptr}};
  std::vector<CommandSpec> t = {
      // ---- domains
      {"add-domain", "add-domain (-i <file> | [mac-addr=<num>] [hostid=<num>] [failure-policy=ignore|panic|reset|stop] "
                     "[master=<ldom>,...] <ldom>...)",
       {{"-i", "file"}}, {kMac, {"hostid", check_hostid}, {"failure-policy", check_policy}, {"master", check_masters}}, 0, kMany},
      {"set-domain", "set-domain [mac-addr=<num>] [hostid=<num>] [failure-policy=ignore|panic|reset|stop] [master=[<ldom>,...]] <ldom>",
       {}, {kMac, {"hostid", check_hostid}, {"failure-policy", check_policy}, {"master", check_masters}}, 1, 1},
      {"remove-domain", "remove-domain (-a | <ldom>...)", {{"-a", nullptr}}, {}, 0, kMany},
      {"list-domain", "list-domain [-e] [-l] [-o <format>] [-p] [--json] [<ldom>...]",
       {list_opts[0], list_opts[1], list_opts[2], list_opts[3], list_opts[4]}, {}, 0, kMany},
      {"bind-domain", "bind-domain <ldom>", {}, {}, 1, 1},
      {"unbind-domain", "unbind-domain <ldom>", {}, {}, 1, 1},
      {"start-domain", "start-domain (-a | <ldom>...)", {{"-a", nullptr}}, {}, 0, kMany},
      {"stop-domain", "stop-domain [-f] (-a | <ldom>...)", {{"-f", nullptr}, {"-a", nullptr}}, {}, 0, kMany},
      {"panic-domain", "panic-domain <ldom>", {}, {}, 1, 1},
      // The properties are vfsim's (docs/migration.md); the Migrator checks their values, some
      // against each other. --target-password carries what ldm read for "Target Password:".
      {"migrate-domain",
       "migrate-domain [-n] [-c] [-p <password_file>] [mode=warm|live] [downtime=<ms>] [rounds=<n>] "
       "[converge=suspend|fail] [trace=<file>] <source_ldom> [<user>@]<target_host>[:<target_ldom>]",
       {{"-n", nullptr}, {"-c", nullptr}, {"-p", "password_file"}, {"--target-password", "password"}},
       {{"mode", nullptr}, {"downtime", nullptr}, {"rounds", nullptr}, {"converge", nullptr}, {"trace", nullptr}},
       2, 2},
      {"cancel-operation", "cancel-operation (migration | reconf) <ldom>", {}, {}, 1, 2},
      // ---- CPUs, crypto units, memory, buses
      {"add-vcpu", "add-vcpu [-c] <number> <ldom>", {{"-c", nullptr}}, {}, 2, 2},
      {"set-vcpu", "set-vcpu [-c] <number> <ldom>", {{"-c", nullptr}}, {}, 2, 2},
      {"remove-vcpu", "remove-vcpu [-c] <number> <ldom>", {{"-c", nullptr}}, {}, 2, 2},
      {"add-mau", "add-mau <number> <ldom>", {}, {}, 2, 2},
      {"set-mau", "set-mau <number> <ldom>", {}, {}, 2, 2},
      {"remove-mau", "remove-mau <number> <ldom>", {}, {}, 2, 2},
      // mblock= (2.2+): the physical ranges themselves, instead of a size (docs/ldm.md).
      {"add-memory", "add-memory (<number>[GMK] [<unit>] | mblock=<PA-start>:<size>[,<PA-start>:<size>...]) <ldom>", {},
       {{"mblock", check_mblock}}, 1, 3},
      {"set-memory", "set-memory (<number>[GMK] [<unit>] | mblock=<PA-start>:<size>[,<PA-start>:<size>...]) <ldom>", {},
       {{"mblock", check_mblock}}, 1, 3},
      {"remove-memory", "remove-memory <number>[GMK] [<unit>] <ldom>", {}, {}, 2, 3},
      {"add-io", "add-io [bypass=on] <bus> <ldom>", {}, {{"bypass", check_bypass}}, 2, 2},
      {"remove-io", "remove-io <bus> <ldom>", {}, {}, 2, 2},
      // ---- variables and SP configurations
      {"add-variable", "add-variable <var-name>=<value>... <ldom>", {}, {}, 2, kMany, W::Variables},
      {"set-variable", "set-variable <var-name>=<value>... <ldom>", {}, {}, 2, kMany, W::Variables},
      {"remove-variable", "remove-variable <var-name>... <ldom>", {}, {}, 2, kMany, W::Variables},
      {"list-variable", "list-variable [<var-name>...] <ldom>", {}, {}, 1, kMany, W::Variables},
      {"add-spconfig", "add-spconfig <config-name>", {}, {}, 1, 1},
      {"set-spconfig", "set-spconfig <config-name>", {}, {}, 1, 1},
      {"remove-spconfig", "remove-spconfig <config-name>", {}, {}, 1, 1},
      {"list-spconfig", "list-spconfig", {}, {}, 0, 0},
      // ---- virtual I/O services
      {"add-vcc", "add-vcc port-range=<x>-<y> <vcc-name> <ldom>", {}, {{"port-range", check_port_range}}, 2, 2},
      {"set-vcc", "set-vcc port-range=<x>-<y> <vcc-name>", {}, {{"port-range", check_port_range}}, 1, 1},
      {"remove-vcc", "remove-vcc [-f] <vcc-name>", {{"-f", nullptr}}, {}, 1, 1},
      {"add-vds", "add-vds <service-name> <ldom>", {}, {}, 2, 2},
      {"remove-vds", "remove-vds [-f] <service-name>", {{"-f", nullptr}}, {}, 1, 1},
      {"add-vdsdev", "add-vdsdev [options={ro,slice,excl}] [mpgroup=<mpgroup>] <backend> <volume-name>@<service-name>", {},
       {{"options", check_vds_options}, {"mpgroup", check_name_or_empty}}, 2, 2},
      {"set-vdsdev", "set-vdsdev [options=[{ro,slice,excl}]] [mpgroup=<mpgroup>] <volume-name>@<service-name>", {},
       {{"options", check_vds_options}, {"mpgroup", check_name_or_empty}}, 1, 1},
      {"remove-vdsdev", "remove-vdsdev [-f] <volume-name>@<service-name>", {{"-f", nullptr}}, {}, 1, 1},
      {"add-vsw",
       "add-vsw [default-vlan-id=<vlan-id>] [pvid=<port-vlan-id>] [vid=<vlan-id1>,<vlan-id2>,...] [mac-addr=<num>] "
       "[net-dev=<device>] [mode=sc] [mtu=<size>] [id=<switch-id>] <vswitch-name> <ldom>",
       {},
       {{"default-vlan-id", check_default_vlan}, {"pvid", check_pvid}, {"vid", check_vids}, kMac, {"net-dev", check_net_dev},
        {"mode", check_vsw_mode}, {"mtu", check_mtu}, {"id", check_id}},
       2, 2},
      {"set-vsw",
       "set-vsw [pvid=<port-vlan-id>] [vid=<vlan-id1>,<vlan-id2>,...] [mac-addr=<num>] [net-dev=<device>] [mode=[sc]] "
       "[mtu=<size>] <vswitch-name>",
       {}, {{"pvid", check_pvid}, {"vid", check_vids}, kMac, {"net-dev", check_net_dev}, {"mode", check_vsw_mode}, {"mtu", check_mtu}},
       1, 1},
      {"remove-vsw", "remove-vsw [-f] <vswitch-name>", {{"-f", nullptr}}, {}, 1, 1},
      // ---- virtual devices
      {"add-vnet",
       "add-vnet [mac-addr=<num>] [mode=hybrid] [pvid=<port-vlan-id>] [vid=<vlan-id1>,<vlan-id2>,...] [id=<network-id>] "
       "[mtu=<size>] <if-name> <vswitch-name> <ldom>",
       {}, {kMac, {"mode", check_vnet_mode}, {"pvid", check_pvid}, {"vid", check_vids}, {"id", check_id}, {"mtu", check_mtu}}, 3, 3},
      {"set-vnet",
       "set-vnet [mac-addr=<num>] [vswitch=<vswitch-name>] [mode=[hybrid]] [pvid=<port-vlan-id>] [vid=<vlan-id1>,...] "
       "[mtu=<size>] <if-name> <ldom>",
       {},
       {kMac, {"vswitch", check_name}, {"mode", check_vnet_mode}, {"pvid", check_pvid}, {"vid", check_vids}, {"mtu", check_mtu}},
       2, 2},
      {"remove-vnet", "remove-vnet [-f] <if-name> <ldom>", {{"-f", nullptr}}, {}, 2, 2},
      {"add-vdisk", "add-vdisk [timeout=<seconds>] [id=<disk-id>] <disk-name> <volume-name>@<service-name> <ldom>", {},
       {{"timeout", check_timeout}, {"id", check_id}}, 3, 3},
      {"set-vdisk", "set-vdisk [timeout=<seconds>] [volume=<volume-name>@<service-name>] <disk-name> <ldom>", {},
       {{"timeout", check_timeout}, {"volume", check_volume}}, 2, 2},
      {"remove-vdisk", "remove-vdisk [-f] <disk-name> <ldom>", {{"-f", nullptr}}, {}, 2, 2},
      {"add-vdpcs", "add-vdpcs <vdpcs-name> <ldom>", {}, {}, 2, 2},
      {"remove-vdpcs", "remove-vdpcs [-f] <vdpcs-name>", {{"-f", nullptr}}, {}, 1, 1},
      {"add-vdpcc", "add-vdpcc <vdpcc-name> <vdpcs-name> <ldom>", {}, {}, 3, 3},
      {"remove-vdpcc", "remove-vdpcc [-f] <vdpcc-name> <ldom>", {{"-f", nullptr}}, {}, 2, 2},
      {"set-vcons", "set-vcons [port=[<port-num>]] [group=<group>] [service=<vcc-server>] <ldom>", {},
       {{"port", check_port}, {"group", check_group}, {"service", check_name_or_empty}}, 1, 1},
      // ---- listings
      {"list-bindings", "list-bindings [-e] [-p] [--json] [<ldom>...]", {list_opts[0], list_opts[3], list_opts[4]}, {}, 0, kMany},
      // (-e of these two is in later releases' usage lines only, and would change nothing here)
      {"list-services", "list-services [-p] [--json] [<ldom>...]", {list_opts[3], list_opts[4]}, {}, 0, kMany},
      {"list-constraints", "list-constraints ([-x] | [-p] [--json]) [<ldom>...]",
       {{"-x", nullptr}, list_opts[3], list_opts[4]}, {}, 0, kMany},
      {"list-devices", "list-devices [-a] [-p] [--json] [cpu] [mau] [memory] [io]",
       {{"-a", nullptr}, list_opts[3], list_opts[4]}, {}, 0, 4},
  };
  return t;
}

}  // namespace

const std::vector<CommandSpec>& command_table() {
  static const std::vector<CommandSpec> t = make_table();
  return t;
}

std::string canonical_command(std::string cmd) {
  static const std::map<std::string, std::string> kWhole = {
      {"ls", "list-domain"}, {"list", "list-domain"}, {"create", "add-domain"}, {"destroy", "remove-domain"},
      {"start", "start-domain"}, {"stop", "stop-domain"}, {"bind", "bind-domain"}, {"unbind", "unbind-domain"},
      {"panic", "panic-domain"}, {"migrate", "migrate-domain"}, {"cancel-op", "cancel-operation"},
      {"list-config", "list-spconfig"}, {"ls-config", "list-spconfig"}};
  if (auto it = kWhole.find(cmd); it != kWhole.end()) return it->second;
  size_t dash = cmd.find('-');
  if (dash == std::string::npos) return cmd;
  std::string verb = cmd.substr(0, dash), noun = cmd.substr(dash + 1);
  if (verb == "ls") verb = "list";
  if (verb == "rm") verb = "remove";
  static const std::map<std::string, std::string> kNouns = {
      {"vswitch", "vsw"}, {"vdiskserver", "vds"}, {"vdiskserverdevice", "vdsdev"}, {"vconscon", "vcc"},
      {"vconsole", "vcons"}, {"var", "variable"}, {"config", "spconfig"}, {"crypto", "mau"}, {"mem", "memory"},
      {"dom", "domain"}, {"cpu", "vcpu"}};
  if (auto it = kNouns.find(noun); it != kNouns.end()) noun = it->second;
  if (verb == "cancel" && noun == "op") return "cancel-operation";
  return verb + "-" + noun;
}

const CommandSpec* find_command(const std::string& canonical) {
  for (const CommandSpec& c : command_table())
    if (canonical == c.name) return &c;
  return nullptr;
}

bool CommandLine::has(const std::string& flag) const { return std::count(flags.begin(), flags.end(), flag) > 0; }
std::string CommandLine::value(const std::string& option) const {
  auto it = values.find(option);
  return it == values.end() ? "" : it->second;
}

std::string command_usage(const CommandSpec& spec) { return fmt::format("Usage:\n    ldm {}\n", spec.usage); }

std::string parse_command_line(const CommandSpec& spec, const std::vector<std::string>& words, CommandLine& out) {
  out = CommandLine{};
  out.spec = &spec;
  out.words = words;
  auto refuse = [&](const std::string& why) { return why + "\n" + command_usage(spec); };
  auto option = [&](const std::string& name) -> const OptionSpec* {
    for (const OptionSpec& o : spec.options)
      if (name == o.name) return &o;
    return nullptr;
  };
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    // Options: -f, -lp (= -l -p), -o FORMAT, --json. A word such as -1 is an operand (a
    // count ldm then refuses with its own message), as is a lone "-".
    if (w.size() > 1 && w[0] == '-' && !std::isdigit(static_cast<unsigned char>(w[1]))) {
      std::vector<std::string> names;
      std::string inline_value;   // --name=value
      bool has_inline = false;
      if (w[1] == '-' && w.find('=') != std::string::npos) {
        names.push_back(w.substr(0, w.find('=')));
        inline_value = w.substr(w.find('=') + 1);
        has_inline = true;
      } else if (w[1] == '-') {
        names.push_back(w);
      }
      else
        for (size_t k = 1; k < w.size(); ++k) names.push_back(std::string("-") + w[k]);
      for (size_t k = 0; k < names.size(); ++k) {
        const OptionSpec* o = option(names[k]);
        std::string shown = names[k][1] == '-' ? names[k].substr(2) : names[k].substr(1);
        if (!o) return refuse(fmt::format("ldm: illegal option -- {}", shown));
        if (!o->value) {
          if (has_inline) return refuse(fmt::format("ldm: option {} takes no value", o->name));
          if (!out.has(o->name)) out.flags.push_back(o->name);
          continue;
        }
        if (has_inline) {
          if (out.values.count(o->name)) return refuse(fmt::format("ldm: option {} given more than once", o->name));
          out.values[o->name] = inline_value;
          continue;
        }
        // An option with a value ends a group (-po network) and takes the next word.
        if (k + 1 != names.size() || i + 1 == words.size())
          return refuse(fmt::format("ldm: option requires an argument -- {}", shown));
        if (out.values.count(o->name)) return refuse(fmt::format("ldm: option -{} given more than once", shown));
        out.values[o->name] = words[++i];
      }
      continue;
    }
    size_t eq = w.find('=');
    bool variable_words = spec.words == CommandSpec::Words::Variables;
    if (eq != std::string::npos && eq > 0 && !variable_words) {
      std::string name = w.substr(0, eq), value = w.substr(eq + 1);
      auto p = std::find_if(spec.properties.begin(), spec.properties.end(), [&](const PropertySpec& s) { return name == s.name; });
      if (p == spec.properties.end()) return refuse("Invalid property: " + name);
      if (out.props.count(name)) return refuse(fmt::format("Property {} given more than once", name));
      out.props[name] = value;
      out.prop_list.emplace_back(name, value);
      continue;
    }
    out.operands.push_back(w);
  }
  // Values once every word is known (an unknown or repeated one is said first).
  for (const auto& [name, value] : out.prop_list)
    for (const PropertySpec& p : spec.properties)
      if (name == p.name && p.check)
        if (std::string why = p.check(value); !why.empty()) return why + "\n";
  size_t n = out.operands.size();
  if (n < spec.min_operands || n > spec.max_operands)
    return refuse(n < spec.min_operands ? "Missing operand" : "Too many operands");
  // -x is a listing of its own (XML): no -p or --json with it.
  if (out.has("-x") && (out.has("-p") || out.has("--json")))
    return refuse(fmt::format("-x and {} cannot both be given", out.has("-p") ? "-p" : "--json"));
  // remove-, start- and stop-domain: -a stands for the domains; one or the other.
  std::string name = spec.name;
  if (name == "remove-domain" || name == "start-domain" || name == "stop-domain") {
    if (out.has("-a") && n) return refuse("-a and a domain name cannot both be given");
    if (!out.has("-a") && !n) return refuse("Missing operand");
  }
  // Memory by size (<number> [<unit>] <ldom>) or by place (mblock=... <ldom>), not both.
  if (name == "add-memory" || name == "set-memory") {
    if (out.props.count("mblock") && n > 1) return refuse("mblock= and a memory size cannot both be given");
    if (!out.props.count("mblock") && n < 2) return refuse("Missing operand");
  }
  if (name == "add-domain" && out.operands.empty() && !out.has_value("-i")) return refuse("Missing operand");
  if (name == "add-domain" && out.has_value("-i") && (!out.operands.empty() || !out.props.empty()))
    return refuse("-i takes the whole domain from its file: no other properties or names");
  return "";
}

std::string ldm_help() {
  return "Usage:\n    ldm [--help] command [options] [properties] operands\n"
         "    ldm --help <command>\n"
         "    ldm -V\n\nCommand(s) for each resource (aliases in parens):\n"
         "    domain: add-domain (create), set-domain, remove-domain (rm-domain, destroy),\n"
         "            list-domain (ls, list), bind-domain (bind), unbind-domain (unbind),\n"
         "            start-domain (start), stop-domain (stop), panic-domain (panic)\n"
         "    vcpu, mau (crypto), memory (mem): add-*, set-*, remove-* (rm-*)\n"
         "    io: add-io, remove-io\n"
         "    vsw (vswitch), vnet, vds (vdiskserver), vdsdev (vdiskserverdevice), vdisk,\n"
         "    vcc (vconscon): add-*, set-*, remove-*; set-vcons (set-vconsole)\n"
         "    vdpcs, vdpcc: add-*, remove-*\n"
         "    variable (var): add-*, set-*, remove-*, list-*\n"
         "    spconfig (config): add-*, set-*, remove-*, list-*\n"
         "    list-bindings, list-constraints, list-devices, list-services,\n"
         "    migrate-domain (migrate)\n"
         "    cancel-operation (cancel-op) migration | reconf\n";
}

std::string unknown_command(const std::string& word) {
  return fmt::format("Unknown command {}\n\nUse 'ldm --help' for the list of commands.\n", word);
}

bool answer_locally(const std::vector<std::string>& args, std::string& out, std::string& err, int& code) {
  out.clear();
  err.clear();
  code = 0;
  auto refuse = [&](std::string why) {
    err = std::move(why);
    code = 1;
    return true;
  };
  if (args.empty()) return refuse(ldm_help());
  if (args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    const CommandSpec* c = args.size() > 1 ? find_command(canonical_command(args[1])) : nullptr;
    if (args.size() > 1 && !c) return refuse(unknown_command(args[1]));
    out = c ? command_usage(*c) : ldm_help();
    return true;
  }
  if (args[0] == "-V") return false;
  for (const std::string& w : args)
    if (!valid_utf8(w)) return refuse(fmt::format("Invalid argument: {}: not UTF-8 text\n", w));
  const CommandSpec* c = find_command(canonical_command(args[0]));
  if (!c) return refuse(unknown_command(args[0]));
  std::vector<std::string> words(args.begin() + 1, args.end());
  if (std::count(words.begin(), words.end(), "--help")) {
    out = command_usage(*c);
    return true;
  }
  CommandLine line;
  std::string why = parse_command_line(*c, words, line);
  return why.empty() ? false : refuse(why);
}

}  // namespace vfsim::ldm

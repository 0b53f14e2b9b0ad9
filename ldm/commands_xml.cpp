// add-domain -i FILE: domains from the XML list-constraints -x writes (constraints_xml.h).
// Each constraint becomes the ldm command line that sets it, run through dispatch so it gets
// the command line's checks; all or nothing, across every domain in the file.
#include <fmt/format.h>

#include "ldm/constraints_xml.h"
#include "ldm/manager.h"

namespace vfsim::ldm {

namespace {

struct Step {
  size_t line;
  std::string what;   // "network of ldg1", for the error
  std::string cmd;
  std::vector<std::string> args;
};

// key=value for the XML keys present (the command line's property names).
void props(const XmlItem& it, std::vector<std::string>& args,
           std::initializer_list<std::pair<const char*, const char*>> keys) {
  for (const auto& [xml, cli] : keys)
    if (it.has(xml)) args.push_back(std::string(cli) + "=" + it.get(xml));
}

}  // namespace

Reply Manager::cmd_add_domain_xml(const std::string& xml) {
  std::vector<XmlDomain> doms;
  if (std::string err = read_constraints_xml(xml, doms); !err.empty()) return fail(err);

  // Three passes, so a domain may use services and masters of one later in the file: the
  // domains with their resources and services, then their devices and consoles, then masters.
  std::vector<Step> steps[3];
  for (const XmlDomain& d : doms) {
    auto step = [&](int pass, const XmlItem* it, std::string cmd, std::vector<std::string> args) {
      steps[pass].push_back({it ? it->line : d.line, fmt::format("{} of {}", it ? it->type : "Content", d.name),
                             std::move(cmd), std::move(args)});
    };
    const XmlItem* info = nullptr;
    for (const XmlItem& it : d.items)
      if (it.type == "ldom_info") info = &it;
    std::vector<std::string> add;
    if (info) {
      props(*info, add, {{"Address", "mac-addr"}, {"failure-policy", "failure-policy"}});
      // The interface writes a hostid in hex without 0x (83d8baf6); the command line reads 0x.
      if (info->has("hostid")) {
        std::string h = info->get("hostid");
        add.push_back("hostid=" + (h.rfind("0x", 0) == 0 || h.rfind("0X", 0) == 0 ? h : "0x" + h));
      }
    }
    add.push_back(d.name);
    step(0, info, "add-domain", add);
    if (info && info->has("master")) step(2, info, "set-domain", {"master=" + info->get("master"), d.name});

    for (const XmlItem& it : d.items) {
      const std::string& t = it.type;
      if (t == "cpu") {
        unsigned long n = std::stoul(it.get("AllocationUnits"));
        unsigned long cores = it.has("wcore") ? std::stoul(it.get("wcore")) : 0;
        if (cores) {
          // wcore counts whole cores (add-vcpu -c); AllocationUnits is still their vcpus.
          if (n != cores * p_.strands_per_core)
            return fail(fmt::format("Invalid XML: line {}: <Item> of cpu: {} vcpus are not {} whole cores of {} strands",
                                    it.line, n, cores, p_.strands_per_core));
          step(0, &it, "set-vcpu", {"-c", std::to_string(cores), d.name});
        } else {
          step(0, &it, "set-vcpu", {std::to_string(n), d.name});
        }
      } else if (t == "mau") {
        step(0, &it, "set-mau", {it.get("AllocationUnits"), d.name});
      } else if (t == "memory") {
        // placed blocks when given (set-memory mblock= checks them and their sum is the size)
        if (it.has("mblock")) {
          std::vector<PaBlock> blocks;
          uint64_t size = 0, total = 0;
          parse_size(it.get("AllocationUnits"), "", size);
          if (parse_mblocks(it.get("mblock"), kMemoryBlock, blocks).empty())
            for (const PaBlock& b : blocks) total += b.size;
          if (!blocks.empty() && total != size)
            return fail(fmt::format("Invalid XML: line {}: <Item> of memory: mblock {} is {}, not {}", it.line,
                                    it.get("mblock"), format_size(total), it.get("AllocationUnits")));
          step(0, &it, "set-memory", {"mblock=" + it.get("mblock"), d.name});
        }
        else step(0, &it, "set-memory", {it.get("AllocationUnits"), d.name});
      } else if (t == "physio_device") {
        std::vector<std::string> a;
        props(it, a, {{"bypass", "bypass"}});
        a.push_back(it.get("name"));
        a.push_back(d.name);
        step(0, &it, "add-io", a);
      } else if (t == "var") {
        if (it.get("name").find('=') != std::string::npos)
          return fail(fmt::format("Invalid XML: line {}: <Item> of var: a variable's name has no '=': {}", it.line,
                                  it.get("name")));
        step(0, &it, "set-variable", {it.get("name") + "=" + it.get("value"), d.name});
      } else if (t == "vcc") {
        step(0, &it, "add-vcc",
             {"port-range=" + it.get("min_port") + "-" + it.get("max_port"), it.get("service_name"), d.name});
      } else if (t == "vds") {
        step(0, &it, "add-vds", {it.get("service_name"), d.name});
      } else if (t == "vds_volume") {
        std::vector<std::string> a;
        props(it, a, {{"vol_opts", "options"}, {"mpgroup", "mpgroup"}});
        a.push_back(it.get("block_dev"));
        a.push_back(it.get("vol_name") + "@" + it.get("service_name"));
        step(0, &it, "add-vdsdev", a);
      } else if (t == "vsw") {
        std::vector<std::string> a;
        props(it, a, {{"Address", "mac-addr"}, {"dev_path", "net-dev"}, {"mode", "mode"},
                      {"default-vlan-id", "default-vlan-id"}, {"pvid", "pvid"}, {"vid", "vid"}, {"mtu", "mtu"},
                      {"id", "id"}});
        a.push_back(it.get("service_name"));
        a.push_back(d.name);
        step(0, &it, "add-vsw", a);
      } else if (t == "network") {
        std::vector<std::string> a;
        props(it, a, {{"Address", "mac-addr"}, {"mode", "mode"}, {"pvid", "pvid"}, {"vid", "vid"}, {"mtu", "mtu"},
                      {"id", "id"}});
        a.push_back(it.get("vnet_name"));
        a.push_back(it.get("service_name"));
        a.push_back(d.name);
        step(1, &it, "add-vnet", a);
      } else if (t == "disk") {
        std::vector<std::string> a;
        props(it, a, {{"timeout", "timeout"}, {"id", "id"}});
        a.push_back(it.get("vdisk_name"));
        a.push_back(it.get("vol_name") + "@" + it.get("service_name"));
        a.push_back(d.name);
        step(1, &it, "add-vdisk", a);
      } else if (t == "vdpcs") {
        step(0, &it, "add-vdpcs", {it.get("service_name"), d.name});
      } else if (t == "vdpcc") {
        step(1, &it, "add-vdpcc", {it.get("vdpcc_name"), it.get("service_name"), d.name});
      } else if (t == "console") {
        std::vector<std::string> a;
        props(it, a, {{"port", "port"}, {"group", "group"}, {"service_name", "service"}});
        if (a.empty()) continue;   // nothing asked: the default console
        a.push_back(d.name);
        step(1, &it, "set-vcons", a);
      }
    }
  }

  // All or nothing: the model as it was comes back on the first refusal. The domains are new
  // and inactive, so no command reaches the host or starts an Operation.
  const Model before = m_;
  for (const std::vector<Step>& pass : steps) {
    for (const Step& s : pass) {
      // The same table and checks as the command line (command_table.cpp).
      Reply r;
      CommandLine line;
      if (std::string why = parse_command_line(*find_command(s.cmd), s.args, line); !why.empty()) {
        r.err = why.substr(0, why.find('\n'));   // (its first line: what is wrong, not the usage)
        r.code = 1;
      } else {
        r = dispatch(line);
      }
      if (r.code != 0 || r.pending) {
        m_ = before;
        std::string why = r.err;
        while (!why.empty() && why.back() == '\n') why.pop_back();
        return fail(fmt::format("line {}: {}: {}", s.line, s.what, why));
      }
    }
  }
  return {};
}

}  // namespace vfsim::ldm

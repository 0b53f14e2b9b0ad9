// The layout document from the manager's model: who holds each strand, crypto unit, memory
// range and bus, the virtual I/O links with their channel ids, and the placement findings
// (memory homed away from a domain's strands, crypto units away from its cores). Plans run
// their ldm commands on a scratch Manager without a host: the real binder, nothing real bound.
#include "ldm/layout_build.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "ldm/constraints_xml.h"
#include "ldm/units.h"

namespace vfsim::ldm {

namespace {

// Colours that stay readable behind black text. The control domain always has the first;
// a guest the first free one from its name's hash, so a domain keeps its colour while
// others come and go (unless two names share a slot: then the later one moves on).
const std::vector<const char*> kPalette = {"#8fb3de", "#f4b183", "#a9d18e", "#f08c8c", "#c5a3d6", "#8fd6d0", "#f2dc7c",
                                           "#f7b6cf", "#c9a98a", "#b9e39b", "#e6a0c4", "#9fc5e8", "#ffe599", "#b4d6c1"};

uint32_t fnv1a(const std::string& s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

std::string sizes_by_socket(const std::vector<uint64_t>& bytes, const std::set<unsigned>& only) {
  std::string out;
  for (unsigned s = 0; s < bytes.size(); ++s)
    if (bytes[s] && (only.empty() || only.count(s)))
      out += fmt::format("{}{} on socket {}", out.empty() ? "" : ", ", format_size(bytes[s]), s);
  return out;
}

// ldm's words of one script line: blanks separate them, '...' and "..." quote, a backslash
// escapes the next character outside single quotes, and # starts a comment at a word's start.
bool split_words(const std::string& line, std::vector<std::string>& out, std::string& err) {
  std::string w;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      if (in_word) out.push_back(w);
      w.clear();
      in_word = false;
    } else if (c == '#' && !in_word) {
      break;
    } else if (c == '\'' || c == '"') {
      size_t end = line.find(c, i + 1);
      if (c == '"') {   // (a backslash may escape a quote inside)
        std::string part;
        size_t k = i + 1;
        for (; k < line.size() && line[k] != '"'; ++k) {
          if (line[k] == '\\' && k + 1 < line.size()) ++k;
          part += line[k];
        }
        end = k < line.size() ? k : std::string::npos;
        if (end != std::string::npos) w += part;
      } else if (end != std::string::npos) {
        w += line.substr(i + 1, end - i - 1);
      }
      if (end == std::string::npos) {
        err = fmt::format("unterminated {} quote", c == '"' ? "double" : "single");
        return false;
      }
      in_word = true;
      i = end;
    } else if (c == '\\' && i + 1 < line.size()) {
      w += line[++i];
      in_word = true;
    } else {
      w += c;
      in_word = true;
    }
  }
  if (in_word) out.push_back(w);
  return true;
}

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

std::vector<uint64_t> socket_bytes(const platform::Platform& p, uint64_t pa, uint64_t size) {
  const unsigned n = std::max(1u, p.sockets);
  std::vector<uint64_t> out(n, 0);
  uint64_t at = pa, end = pa + size;
  // Below the ceiling the home changes every 512 bytes: count the blocks of each socket.
  if (n > 1 && n != 3 && at < p.interleave_512b_ceiling) {
    uint64_t stop = std::min(end, p.interleave_512b_ceiling);
    if (at % 512) {
      uint64_t next = std::min<uint64_t>(stop, (at | 511) + 1);
      out[p.home_socket(at)] += next - at;
      at = next;
    }
    uint64_t k0 = at / 512, k1 = stop / 512;
    auto blocks = [&](uint64_t k, unsigned s) { return k / n + (k % n > s ? 1 : 0); };
    if (k1 > k0)
      for (unsigned s = 0; s < n; ++s) out[s] += 512 * (blocks(k1, s) - blocks(k0, s));
    at = std::max(at, k1 * 512);
    if (at < stop) out[p.home_socket(at)] += stop - at;
    at = stop;
  }
  while (at < end) {   // every 1 GB above it
    uint64_t next = std::min<uint64_t>(end, (at | ((1ull << 30) - 1)) + 1);
    out[p.home_socket(at) % n] += next - at;
    at = next;
  }
  return out;
}

layout::Document build_layout(const Manager& m, const DeviceChannels& channels) {
  const platform::Platform& p = m.platform();
  const Model& model = m.model();
  layout::Document doc;
  doc.host = model.hostname;
  doc.platform = p.name;
  doc.strands_per_core = p.strands_per_core;
  auto name_of = [](const Domain* d) { return d ? d->name : std::string(); };

  for (unsigned s = 0; s < p.sockets; ++s) {
    layout::Socket sock{s, {}};
    for (unsigned c = s * p.cores_per_socket; c < (s + 1) * p.cores_per_socket; ++c) {
      layout::Core core;
      core.id = c;
      for (unsigned t = c * p.strands_per_core; t < (c + 1) * p.strands_per_core; ++t)
        core.strands.push_back({t, name_of(m.owner_of_strand(t))});
      core.crypto = p.crypto_unit_per_core;
      if (core.crypto) core.crypto_domain = name_of(m.owner_of_mau(c));
      sock.cores.push_back(core);
    }
    doc.sockets.push_back(sock);
  }

  std::vector<layout::Memory> mem;
  for (const SysRange& r : sys_memory()) {   // the hypervisor's, as one range
    if (!mem.empty() && mem.back().pa + mem.back().size == r.pa) mem.back().size += r.size;
    else mem.push_back({r.pa, r.size, "_sys_", 0, {}});
  }
  for (const Domain& d : model.domains)
    for (const MemRange& r : d.mem) mem.push_back({r.pa, r.size, d.name, r.ra, {}});
  for (const SysRange& r : m.free_memory()) mem.push_back({r.pa, r.size, "", 0, {}});
  std::sort(mem.begin(), mem.end(), [](const layout::Memory& a, const layout::Memory& b) { return a.pa < b.pa; });
  for (layout::Memory& r : mem) r.socket_bytes = socket_bytes(p, r.pa, r.size);
  doc.memory = mem;

  // Root complex n is socket n's (pci@400 socket 0, pci@500 socket 1 ...).
  for (size_t i = 0; i < p.pcie_roots.size(); ++i)
    doc.buses.push_back({p.pcie_roots[i], unsigned(i % std::max(1u, p.sockets)), name_of(m.owner_of_io(p.pcie_roots[i]))});

  std::set<size_t> used;
  for (const Domain& d : model.domains) {
    layout::Domain x;
    x.name = d.name;
    x.state = state_name(d.state);
    x.control = d.control;
    size_t slot = d.control ? 0 : 1 + fnv1a(d.name) % (kPalette.size() - 1);
    for (size_t tries = 0; !d.control && used.count(slot) && tries < kPalette.size(); ++tries)
      slot = 1 + slot % (kPalette.size() - 1);
    used.insert(slot);
    x.color = kPalette[slot];
    x.strands = d.strands;
    std::sort(x.strands.begin(), x.strands.end());
    x.crypto_cores = d.mau_cores;
    for (const MemRange& r : d.mem) x.memory += r.size;
    if (d.control || d.state != State::Inactive) x.buses = d.io;
    for (const Vds& v : d.vdss) x.services.push_back({"vds", v.name});
    for (const Vsw& v : d.vsws) x.services.push_back({"vsw", v.name});
    for (const Vcc& v : d.vccs) x.services.push_back({"vcc", v.name});
    for (const Vdpcs& v : d.vdpcss) x.services.push_back({"vdpcs", v.name});
    x.console_port = d.cons_port;
    doc.domains.push_back(x);
  }

  const Domain* control = nullptr;
  for (const Domain& d : model.domains)
    if (d.control) control = &d;
  for (const Domain& d : model.domains) {
    auto channel = [&](const std::string& key) -> int64_t {
      auto dom = channels.find(d.name);
      if (dom == channels.end()) return -1;
      auto c = dom->second.find(key);
      return c == dom->second.end() ? -1 : int64_t(c->second);
    };
    for (const Vdisk& v : d.vdisks)
      doc.links.push_back({"vdisk", d.name, v.name, v.vds, v.vds_domain, channel("disk " + v.name), v.volume});
    for (const Vnet& v : d.vnets)
      doc.links.push_back({"vnet", d.name, v.name, v.vsw, v.vsw_domain, channel("net " + v.name), format_mac(v.mac)});
    if (d.cons_port >= 0) {   // the vcc the binder chose (Manager::bind)
      for (const Domain& s : model.domains) {
        auto v = std::find_if(s.vccs.begin(), s.vccs.end(),
                              [&](const Vcc& c) { return d.vcons_service.empty() || c.name == d.vcons_service; });
        if (v == s.vccs.end()) continue;
        doc.links.push_back({"vcons", d.name, "console", v->name, s.name, -1, fmt::format("port {}", d.cons_port)});
        break;
      }
    }
    if (int64_t ch = channel("ds"); ch >= 0 && control)
      doc.links.push_back({"ds", d.name, "ds", "ds", control->name, ch, ""});
    for (const Vdpcc& v : d.vdpccs)
      doc.links.push_back({"vdpcc", d.name, v.name, v.service, v.service_domain, -1, ""});
  }

  // Placement findings.
  const unsigned per_socket = p.cores_per_socket * p.strands_per_core;
  for (const Domain& d : model.domains) {
    if (d.strands.empty()) continue;
    std::set<unsigned> home;
    for (unsigned s : d.strands) home.insert(s / per_socket);
    layout::Numa numa{d.name, std::vector<unsigned>(home.begin(), home.end()), {}};
    for (const MemRange& r : d.mem) {
      std::vector<uint64_t> bytes = socket_bytes(p, r.pa, r.size);
      uint64_t remote = 0;
      std::set<unsigned> away;
      for (unsigned s = 0; s < bytes.size(); ++s)
        if (!home.count(s) && bytes[s]) {
          remote += bytes[s];
          away.insert(s);
        }
      if (!remote) continue;
      numa.remote.push_back({r.pa, r.size, bytes, remote});
      std::string homes;
      for (unsigned s : home) homes += (homes.empty() ? "" : ",") + std::to_string(s);
      doc.warnings.push_back(fmt::format("NUMA: LDom {} (strands on socket {}) has memory {} homed elsewhere: {}", d.name,
                                         homes, format_mblock(r.pa, r.size), sizes_by_socket(bytes, away)));
    }
    if (!numa.remote.empty()) doc.numa.push_back(numa);
  }
  for (const Domain& d : model.domains) {
    std::set<unsigned> cores;
    for (unsigned s : d.strands) cores.insert(s / p.strands_per_core);
    for (unsigned c : d.mau_cores)
      if (!cores.count(c)) {
        doc.crypto.push_back({d.name, "unit_without_strands", c, d.name});
        doc.warnings.push_back(fmt::format("crypto: LDom {} holds the crypto unit of core {} but has no strands on it", d.name, c));
      }
    for (unsigned c : cores)
      if (const Domain* o = m.owner_of_mau(c); o && o != &d) {
        doc.crypto.push_back({d.name, "strands_on_foreign_unit", c, o->name});
        doc.warnings.push_back(
            fmt::format("crypto: LDom {} has strands on core {}, whose crypto unit LDom {} holds", d.name, c, o->name));
      }
  }
  return doc;
}

Reply plan_layout(const Manager& m, const std::string& source, const std::string& text, layout::Document& out) {
  if (!m.powered_on()) return fail("The system is powered off: power it on with 'vfctl sp poweron'");
  // The copy: no host (nothing is bound in the hypervisor), no state directory (nothing saved).
  Manager scratch(m.platform(), nullptr, "", m.model().hostname, &m.model());
  scratch.console_port_free = m.console_port_free;
  auto refused = [&](const std::string& where, const std::vector<std::string>& words, const Reply& r) {
    Reply e;
    e.err = fmt::format("{}: ldm {}\n{}", where, joined(words), r.err);
    if (r.pending) e.err += "(the command waits for a guest: a plan has none)\n";
    if (e.err.back() != '\n') e.err += '\n';
    e.code = 1;
    return e;
  };
  auto ok = [](const Reply& r) { return r.code == 0 && !r.pending; };

  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '<') {
    // list-constraints -x: its domains replace those of the same name (as if stopped, unbound
    // and removed first), are added with add-domain -i, and bound.
    std::vector<XmlDomain> doms;
    if (std::string err = read_constraints_xml(text, doms); !err.empty()) return fail(source + ": " + err);
    for (const XmlDomain& x : doms) {
      const Domain* d = scratch.model().find(x.name);
      if (!d) continue;
      if (d->control) return fail(fmt::format("{}: LDom {} is the control domain: a plan lays out guests only", source, x.name));
      std::vector<std::vector<std::string>> steps;
      if (d->state == State::Active) steps.push_back({"stop-domain", "-f", x.name});
      if (d->state != State::Inactive) steps.push_back({"unbind-domain", x.name});
      steps.push_back({"remove-domain", x.name});
      for (const auto& s : steps)
        if (Reply r = scratch.run(s); !ok(r)) return refused(source, s, r);
    }
    std::vector<std::string> add = {"add-domain", "-i", text};
    if (Reply r = scratch.run(add); !ok(r)) return refused(source, {"add-domain", "-i", source}, r);
    for (const XmlDomain& x : doms) {
      std::vector<std::string> bind = {"bind-domain", x.name};
      if (Reply r = scratch.run(bind); !ok(r)) return refused(source, bind, r);
    }
  } else {
    size_t line_no = 0, at = 0;
    while (at <= text.size()) {
      size_t nl = text.find('\n', at);
      std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
      at = nl == std::string::npos ? text.size() + 1 : nl + 1;
      ++line_no;
      std::vector<std::string> words;
      std::string err;
      std::string where = fmt::format("{}:{}", source, line_no);
      if (!split_words(line, words, err)) return fail(fmt::format("{}: {}", where, err));
      if (words.empty()) continue;
      if (words[0] != "ldm" || words.size() < 2)
        return fail(fmt::format("{}: not an ldm command: {} (a plan is ldm command lines, or list-constraints -x XML)",
                                where, joined(words)));
      words.erase(words.begin());
      if (words[0] == "add-domain" && std::count(words.begin(), words.end(), "-i"))
        return fail(fmt::format("{}: add-domain -i: give the XML file itself as the plan", where));
      if (Reply r = scratch.run(words); !ok(r)) return refused(where, words, r);
    }
  }
  out = build_layout(scratch, {});
  out.plan = true;
  out.plan_source = source;
  return Reply{};
}

}  // namespace vfsim::ldm

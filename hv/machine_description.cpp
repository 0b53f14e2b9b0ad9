#include "hv/machine_description.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>

#include "sim/state/codec.h"

namespace vfsim::hv::md {

namespace {
constexpr uint32_t kVersion = 0x00010000;
constexpr uint8_t TAG_NODE = 'N', TAG_END = 'E', TAG_NOOP = ' ', TAG_LIST_END = 0;

using state::be32;
using state::be64;
using state::put_be;
[[noreturn]] void fail(uint64_t off, const std::string& msg) {
  throw MdError(fmt::format("offset {:#x}: {}", off, msg));
}
}  // namespace

const Property* Node::find(const std::string& name) const {
  for (const Property& p : props)
    if (p.name == name) return &p;
  return nullptr;
}

int MachineDescription::find_node(const std::string& type, int from) const {
  for (size_t i = size_t(std::max(from, 0)); i < nodes.size(); ++i)
    if (nodes[i].type == type) return int(i);
  return -1;
}

MachineDescription decode(const std::vector<uint8_t>& b) {
  if (b.size() < 16) fail(0, fmt::format("{} bytes: too short for the 16-byte header", b.size()));
  uint32_t version = be32(&b[0]), node_sz = be32(&b[4]), name_sz = be32(&b[8]), data_sz = be32(&b[12]);
  if ((version >> 16) != 1) fail(0, fmt::format("transport version {:#x}, expected 1.x", version));
  if (node_sz == 0 || node_sz % 16) fail(4, fmt::format("node block size {:#x} is not a nonzero multiple of 16", node_sz));
  uint64_t name_off = 16 + uint64_t(node_sz), data_off = name_off + name_sz, end = data_off + data_sz;
  if (end > b.size())
    fail(4, fmt::format("blocks need {:#x} bytes, the MD has {:#x}", end, b.size()));
  const uint32_t nelem = node_sz / 16;

  auto name_at = [&](uint64_t eoff, uint32_t off, uint32_t len) {
    if (uint64_t(off) + len >= name_sz) fail(eoff + 4, fmt::format("name at {:#x}+{} outside the name block ({:#x} bytes)", off, len, name_sz));
    const char* p = reinterpret_cast<const char*>(&b[name_off + off]);
    if (p[len] != 0) fail(eoff + 1, fmt::format("name length {} does not end at a NUL", len));
    return std::string(p, len);
  };
  auto data_at = [&](uint64_t eoff, uint32_t len, uint32_t off) {
    if (uint64_t(off) + len > data_sz) fail(eoff + 8, fmt::format("data at {:#x}+{:#x} outside the data block ({:#x} bytes)", off, len, data_sz));
    return std::vector<uint8_t>(b.begin() + long(data_off + off), b.begin() + long(data_off + off + len));
  };

  MachineDescription md;
  std::map<uint64_t, size_t> node_of_elem;             // 'N' element index -> node number
  std::vector<std::pair<uint64_t, uint64_t>> arcs;     // (element offset, target element)
  std::vector<std::pair<uint64_t, uint64_t>> nexts;    // (element offset, next-node element)
  bool in_node = false, ended = false;
  uint32_t min_align = 16;
  for (uint32_t i = 0; i < nelem; ++i) {
    uint64_t eoff = 16 + uint64_t(i) * 16;
    const uint8_t* e = &b[eoff];
    uint8_t tag = e[0], nlen = e[1];
    if (tag == TAG_LIST_END) { ended = true; break; }
    if (tag == TAG_NOOP) continue;
    if (tag == TAG_END) {   // 'E' carries no name (mdgen writes length 0, offset 0)
      if (!in_node) fail(eoff, "node end without a node");
      in_node = false;
      continue;
    }
    if (tag != TAG_NODE && tag != 'a' && tag != 'v' && tag != 's' && tag != 'd')
      fail(eoff, fmt::format("unknown element tag {:#04x}", tag));
    std::string name = name_at(eoff, be32(e + 4), nlen);
    if (tag == TAG_NODE) {
      if (in_node) fail(eoff, "node starts inside another node (missing 'E')");
      node_of_elem[i] = md.nodes.size();
      md.nodes.push_back(Node{name, {}});
      nexts.emplace_back(eoff, be64(e + 8));
      in_node = true;
      continue;
    }
    if (!in_node) fail(eoff, fmt::format("property '{}' outside any node", name));
    Property p;
    p.name = name;
    switch (tag) {
      case 'a': p.kind = Kind::Arc; arcs.emplace_back(eoff, be64(e + 8)); p.value = be64(e + 8); break;
      case 'v': p.kind = Kind::Value; p.value = be64(e + 8); break;
      case 's': {
        p.kind = Kind::String;
        uint32_t len = be32(e + 8), off = be32(e + 12);
        auto d = data_at(eoff, len, off);
        if (d.empty() || d.back() != 0) fail(eoff + 8, fmt::format("string property '{}' is not NUL-terminated", name));
        p.str.assign(d.begin(), d.end() - 1);
        if (off) min_align = std::min(min_align, uint32_t(off & -off));
        break;
      }
      case 'd': {
        p.kind = Kind::Data;
        uint32_t len = be32(e + 8), off = be32(e + 12);
        p.data = data_at(eoff, len, off);
        if (off) min_align = std::min(min_align, uint32_t(off & -off));
        break;
      }
      default: fail(eoff, fmt::format("unknown element tag {:#04x}", tag));
    }
    md.nodes.back().props.push_back(std::move(p));
  }
  if (in_node) fail(16 + uint64_t(nelem) * 16, "last node has no 'E' element");
  if (!ended) fail(16 + uint64_t(node_sz) - 16, "no list-end element in the node block");
  // Arcs point at 'N' elements; store them as node numbers.
  size_t a = 0;
  for (Node& n : md.nodes)
    for (Property& p : n.props)
      if (p.kind == Kind::Arc) {
        auto [eoff, target] = arcs[a++];
        auto it = node_of_elem.find(target);
        if (it == node_of_elem.end()) fail(eoff + 8, fmt::format("arc '{}' to element {} which is not a node", p.name, target));
        p.value = it->second;
      }
  for (auto [eoff, next] : nexts)
    if (next > nelem) fail(eoff + 8, fmt::format("next-node index {} beyond the {} elements", next, nelem));
  md.data_align = min_align >= 16 ? 16 : 8;
  md.pad_data_block = data_sz % 16 == 0 && data_sz != 0 && md.data_align == 16;
  return md;
}

std::vector<uint8_t> encode(const MachineDescription& md) {
  // Names: deduplicated in order of first use, NUL-terminated, block padded to 16.
  std::vector<std::string> names;
  std::map<std::string, uint32_t> name_off;
  uint32_t name_sz = 0;
  auto intern = [&](const std::string& n) {
    auto it = name_off.find(n);
    if (it != name_off.end()) return it->second;
    name_off[n] = name_sz;
    names.push_back(n);
    name_sz += uint32_t(n.size()) + 1;
    return name_off[n];
  };
  // Element indices of each node's 'N' (arcs and next-node links refer to them).
  std::vector<uint64_t> node_elem(md.nodes.size());
  uint64_t idx = 0;
  for (size_t i = 0; i < md.nodes.size(); ++i) {
    node_elem[i] = idx;
    idx += 2 + md.nodes[i].props.size();
  }
  const uint64_t nelem = idx + 1;   // + list end
  std::vector<uint8_t> nodes(nelem * 16, 0), data;
  auto add_data = [&](const uint8_t* p, size_t n) {
    size_t off = (data.size() + md.data_align - 1) / md.data_align * md.data_align;
    data.resize(off + n, 0);
    std::copy(p, p + n, data.begin() + long(off));
    return uint32_t(off);
  };
  idx = 0;
  auto elem = [&](uint8_t tag, const std::string& name) {
    size_t o = idx++ * 16;
    nodes[o] = tag;
    nodes[o + 1] = uint8_t(name.size());
    put_be(&nodes[o + 4], 4, intern(name));
    return o;
  };
  for (size_t i = 0; i < md.nodes.size(); ++i) {
    const Node& n = md.nodes[i];
    size_t o = elem(TAG_NODE, n.type);
    put_be(&nodes[o + 8], 8, i + 1 < md.nodes.size() ? node_elem[i + 1] : nelem - 1);
    for (const Property& p : n.props) {
      size_t e = elem(uint8_t(p.kind), p.name);
      switch (p.kind) {
        case Kind::Arc: put_be(&nodes[e + 8], 8, node_elem.at(p.value)); break;
        case Kind::Value: put_be(&nodes[e + 8], 8, p.value); break;
        case Kind::String: {
          std::string s = p.str;
          s.push_back('\0');
          put_be(&nodes[e + 8], 4, uint32_t(s.size()));
          put_be(&nodes[e + 12], 4, add_data(reinterpret_cast<const uint8_t*>(s.data()), s.size()));
          break;
        }
        case Kind::Data:
          put_be(&nodes[e + 8], 4, uint32_t(p.data.size()));
          put_be(&nodes[e + 12], 4, add_data(p.data.data(), p.data.size()));
          break;
      }
    }
    nodes[idx++ * 16] = TAG_END;
  }
  // list end: already zero
  uint32_t name_block = (name_sz + 15) / 16 * 16;
  if (md.pad_data_block) data.resize((data.size() + 15) / 16 * 16, 0);
  std::vector<uint8_t> out(16, 0);
  put_be(&out[0], 4, kVersion);
  put_be(&out[4], 4, uint32_t(nodes.size()));
  put_be(&out[8], 4, name_block);
  put_be(&out[12], 4, uint32_t(data.size()));
  out.insert(out.end(), nodes.begin(), nodes.end());
  size_t nb = out.size();
  out.resize(nb + name_block, 0);
  uint32_t off = 0;
  for (const std::string& n : names) {
    std::copy(n.begin(), n.end(), out.begin() + long(nb + off));
    off += uint32_t(n.size()) + 1;
  }
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

std::string to_text(const MachineDescription& md, const std::vector<uint8_t>* bytes) {
  std::string s;
  if (bytes && bytes->size() >= 16) {
    const uint8_t* h = bytes->data();
    s += fmt::format("MD version {}.{}, {} bytes: node block {:#x}, name block {:#x}, data block {:#x}\n",
                     be32(h) >> 16, be32(h) & 0xffff, bytes->size(), be32(h + 4), be32(h + 8), be32(h + 12));
  }
  size_t nprops = 0, narcs = 0;
  for (const Node& n : md.nodes) {
    nprops += n.props.size();
    for (const Property& p : n.props) narcs += p.kind == Kind::Arc;
  }
  s += fmt::format("{} nodes, {} properties ({} arcs)\n", md.nodes.size(), nprops, narcs);
  for (size_t i = 0; i < md.nodes.size(); ++i) {
    const Node& n = md.nodes[i];
    s += fmt::format("\nnode {} {}\n", i, n.type);
    for (const Property& p : n.props) {
      switch (p.kind) {
        case Kind::Arc:
          s += fmt::format("    {} -> node {} {}\n", p.name, p.value, md.nodes[p.value].type);
          break;
        case Kind::Value:
          s += fmt::format("    {} = {:#x} ({})\n", p.name, p.value, p.value);
          break;
        case Kind::String:
          s += fmt::format("    {} = \"{}\"\n", p.name, p.str);
          break;
        case Kind::Data: {
          // A list of NUL-terminated strings prints as strings; anything else as hex.
          bool strings = !p.data.empty() && p.data.back() == 0 &&
                         std::all_of(p.data.begin(), p.data.end(), [](uint8_t c) { return c == 0 || (c >= 32 && c < 127); });
          if (strings) {
            std::string list;
            size_t st = 0;
            for (size_t k = 0; k < p.data.size(); ++k)
              if (p.data[k] == 0) {
                list += (list.empty() ? "\"" : ", \"") + std::string(p.data.begin() + long(st), p.data.begin() + long(k)) + "\"";
                st = k + 1;
              }
            s += fmt::format("    {} = {{{}}}\n", p.name, list);
          } else {
            std::string hex;
            for (uint8_t c : p.data) hex += fmt::format("{:02x}", c);
            s += fmt::format("    {} = <{}> ({} bytes)\n", p.name, hex, p.data.size());
          }
          break;
        }
      }
    }
  }
  return s;
}

}  // namespace vfsim::hv::md

// sun4v machine descriptions: the two MDs Sun's mdgen built (shared/testdata/md) decode
// completely and re-encode byte for byte; our own MDs round-trip; damaged MDs give an error
// with the offset and never a crash.
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>

#include "hv/machine_description.h"

using namespace vfsim::hv::md;

namespace {
std::vector<uint8_t> read_file(const std::string& name) {
  std::ifstream f(std::string(VFSIM_TESTDATA_MD) + "/" + name, std::ios::binary);
  REQUIRE(f);
  return {std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>()};
}
const Property& prop(const MachineDescription& md, int node, const std::string& name) {
  const Property* p = md.nodes.at(size_t(node)).find(name);
  REQUIRE(p != nullptr);
  return *p;
}
}  // namespace

TEST_CASE("mdgen's guest MD decodes node by node", "[md][mdgen]") {
  auto bytes = read_file("opensparc-t1-1up-guest.md.bin");
  MachineDescription md = decode(bytes);
  REQUIRE(md.nodes.size() == 11);
  std::vector<std::string> types;
  for (const Node& n : md.nodes) types.push_back(n.type);
  CHECK(types == std::vector<std::string>{"root", "options", "devalias", "platform", "virtual-devices",
                                          "virtual-device", "virtual-device", "virtual-device",
                                          "virtual-device", "cpu", "mblock"});
  CHECK(prop(md, 0, "banner-name").str == "Sun Fire T2000");
  CHECK(prop(md, 0, "stick-frequency").value == 5000000);
  int mblock = md.find_node("mblock");
  CHECK(prop(md, mblock, "base").value == 0x80000000);
  CHECK(prop(md, mblock, "size").value == 0x10000000);
  int cpu = md.find_node("cpu");
  const Property& compat = prop(md, cpu, "compatible");
  CHECK(compat.kind == Kind::Data);
  CHECK(std::string(compat.data.begin(), compat.data.end()) ==
        std::string("SUNW,UltraSPARC-T1\0SUNW,sun4v-cpu\0sun4v\0", 40));
  // Arcs resolve to nodes: root -> platform, virtual-devices; each virtual-device -> back.
  size_t arcs = 0;
  for (const Node& n : md.nodes)
    for (const Property& p : n.props)
      if (p.kind == Kind::Arc) {
        ++arcs;
        CHECK(p.value < md.nodes.size());
        if (n.type == "virtual-device") CHECK(md.nodes[p.value].type == "virtual-devices");
      }
  CHECK(arcs == 6);
  std::string text = to_text(md, &bytes);
  CHECK(text.find("node 10 mblock") != std::string::npos);
  CHECK(text.find("isalist = {\"sparcv9\", \"sparcv8plus\"") != std::string::npos);
}

TEST_CASE("mdgen's hypervisor MD decodes, arcs by name", "[md][mdgen]") {
  MachineDescription md = decode(read_file("opensparc-t1-1up-hv.md.bin"));
  REQUIRE(md.nodes.size() == 5);
  const Property& guests = prop(md, 0, "guests");
  CHECK(guests.kind == Kind::Arc);
  CHECK(md.nodes[guests.value].type == "guests");
  int guest = md.find_node("guest");
  CHECK(prop(md, guest, "membase").value == 0x80000000);
  CHECK(prop(md, guest, "memsize").value == 0x10000000);
}

TEST_CASE("mdgen's MDs re-encode byte for byte", "[md][mdgen]") {
  for (const char* f : {"opensparc-t1-1up-guest.md.bin", "opensparc-t1-1up-hv.md.bin"}) {
    auto bytes = read_file(f);
    CHECK(encode(decode(bytes)) == bytes);
  }
}

TEST_CASE("an MD we build round-trips", "[md]") {
  MachineDescription md;
  md.nodes.push_back({"root", {{"fwd", Kind::Arc, 1, "", {}}, {"fwd", Kind::Arc, 2, "", {}}}});
  md.nodes.push_back({"platform", {{"name", Kind::String, 0, "SUNW,T5240", {}},
                                   {"stick-frequency", Kind::Value, 1415000000, "", {}},
                                   {"back", Kind::Arc, 0, "", {}}}});
  md.nodes.push_back({"cpus", {{"back", Kind::Arc, 0, "", {}}}});
  for (uint64_t id = 0; id < 8; ++id) {
    md.nodes[2].props.push_back({"fwd", Kind::Arc, md.nodes.size(), "", {}});
    md.nodes.push_back({"cpu", {{"id", Kind::Value, id, "", {}},
                                {"compatible", Kind::Data, 0, "", {'S', 'U', 'N', 'W', 0, 's', 'u', 'n', '4', 'v', 0}},
                                {"back", Kind::Arc, 2, "", {}}}});
  }
  auto bytes = encode(md);
  MachineDescription back = decode(bytes);
  REQUIRE(back.nodes.size() == md.nodes.size());
  CHECK(prop(back, 1, "name").str == "SUNW,T5240");
  CHECK(prop(back, 10, "id").value == 7);
  CHECK(back.nodes[prop(back, 10, "back").value].type == "cpus");
  CHECK(encode(back) == bytes);
  // Node and name blocks are multiples of 16, so the data block starts 16-aligned.
  uint32_t node_sz = uint32_t(bytes[4]) << 24 | uint32_t(bytes[5]) << 16 | uint32_t(bytes[6]) << 8 | bytes[7];
  uint32_t name_sz = uint32_t(bytes[8]) << 24 | uint32_t(bytes[9]) << 16 | uint32_t(bytes[10]) << 8 | bytes[11];
  CHECK(node_sz % 16 == 0);
  CHECK(name_sz % 16 == 0);
}

TEST_CASE("damaged MDs give an error with the offset, never a crash", "[md][mdgen]") {
  auto good = read_file("opensparc-t1-1up-guest.md.bin");
  // Every truncation fails cleanly.
  for (size_t n = 0; n < good.size(); ++n) {
    std::vector<uint8_t> cut(good.begin(), good.begin() + long(n));
    try {
      decode(cut);
      FAIL("a truncated MD of " << n << " bytes decoded");
    } catch (const MdError& e) {
      CHECK(std::string(e.what()).rfind("offset 0x", 0) == 0);
    }
  }
  // Every single-byte corruption either still decodes or is an MdError.
  size_t errors = 0;
  for (size_t i = 0; i < good.size(); ++i)
    for (uint8_t x : {uint8_t(0xff), uint8_t(0x01), uint8_t(0x80)}) {
      auto bad = good;
      bad[i] ^= x;
      try {
        decode(bad);
      } catch (const MdError&) {
        ++errors;
      }
    }
  CHECK(errors > 0);
  // Specific damage, specific message.
  auto bad = good;
  bad[16 + 16 * 0] = 'Q';   // first element's tag
  CHECK_THROWS_WITH(decode(bad), Catch::Contains("offset 0x10: unknown element tag 0x51"));
  auto arc = good;
  // root's first arc (element 11, "fwd" -> platform): point it at element 1, a property.
  size_t e = 16 + 16 * 11;
  REQUIRE(arc[e] == 'a');
  for (int k = 8; k < 16; ++k) arc[e + size_t(k)] = 0;
  arc[e + 15] = 1;
  CHECK_THROWS_WITH(decode(arc), Catch::Contains("offset 0xc8: arc 'fwd' to element 1 which is not a node"));
}

// libFuzzer target: arbitrary bytes as a binary machine description (hv/machine_description.h),
// as a guest's or ldmd's peer could hand one over. Whatever the bytes: md::decode either
// throws its MdError or returns a description, and then encode(decode(x)) decodes again to
// the same nodes and properties (names, kinds, values, strings, data, arcs). No crash, no
// allocation the input does not justify (run_fuzz.sh's -rss_limit_mb).
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write the encoding of a small MD with every property kind to DIR
// and exit (run_fuzz.sh's seeds; the real mdgen MDs are in tests/fuzz/corpus/md_decode/).
#include "tests/fuzz/fuzz_seed.h"
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "hv/machine_description.h"

using namespace vfsim::hv;

namespace {

[[noreturn]] void finding(const char* what) {
  std::fprintf(stderr, "fuzz_md_decode: %s\n", what);
  std::abort();
}

bool same_nodes(const md::MachineDescription& a, const md::MachineDescription& b) {
  if (a.nodes.size() != b.nodes.size()) return false;
  for (size_t i = 0; i < a.nodes.size(); ++i) {
    const md::Node &x = a.nodes[i], &y = b.nodes[i];
    if (x.type != y.type || x.props.size() != y.props.size()) return false;
    for (size_t j = 0; j < x.props.size(); ++j) {
      const md::Property &p = x.props[j], &q = y.props[j];
      if (p.name != q.name || p.kind != q.kind) return false;
      switch (p.kind) {
        case md::Kind::Arc:
        case md::Kind::Value: if (p.value != q.value) return false; break;
        case md::Kind::String: if (p.str != q.str) return false; break;
        case md::Kind::Data: if (p.data != q.data) return false; break;
      }
    }
  }
  return true;
}

void run(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  md::MachineDescription m;
  try {
    m = md::decode(bytes);
  } catch (const md::MdError&) {
    return;   // rejected with its own error: fine
  }
  for (const md::Node& n : m.nodes)
    for (const md::Property& p : n.props)
      if (p.kind == md::Kind::Arc && p.value >= m.nodes.size()) finding("an arc names a node that does not exist");
  std::vector<uint8_t> again;
  try {
    again = md::encode(m);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_md_decode: encode threw: %s\n", e.what());
    finding("encode of a decoded MD threw");
  }
  md::MachineDescription m2;
  try {
    m2 = md::decode(again);
  } catch (const md::MdError& e) {
    std::fprintf(stderr, "fuzz_md_decode: %s\n", e.what());
    finding("encode(decode(x)) does not decode");
  }
  if (!same_nodes(m, m2)) finding("encode(decode(x)) decodes to different nodes");
  // The re-encoding of an encoding is stable (the layout facts survive one round).
  if (md::encode(m2) != again) finding("encode(decode(encode(m))) differs from encode(m)");
}

void write_seeds(const char* dir) {
  md::MachineDescription m;
  md::Node root{"root", {}}, cpu{"cpu", {}}, mb{"mblock", {}};
  md::Property p;
  p.name = "fwd"; p.kind = md::Kind::Arc; p.value = 1; root.props.push_back(p);
  p.name = "fwd"; p.value = 2; root.props.push_back(p);
  p = {}; p.name = "id"; p.kind = md::Kind::Value; p.value = 0; cpu.props.push_back(p);
  p = {}; p.name = "compatible"; p.kind = md::Kind::String; p.str = "SUNW,UltraSPARC-T2+"; cpu.props.push_back(p);
  p = {}; p.name = "back"; p.kind = md::Kind::Arc; p.value = 0; cpu.props.push_back(p);
  p = {}; p.name = "base"; p.kind = md::Kind::Value; p.value = 0x8000000; mb.props.push_back(p);
  p = {}; p.name = "size"; p.kind = md::Kind::Value; p.value = 0x40000000; mb.props.push_back(p);
  p = {}; p.name = "blob"; p.kind = md::Kind::Data; p.data = {1, 2, 3, 4, 5}; mb.props.push_back(p);
  m.nodes = {root, cpu, mb};
  for (uint32_t align : {8u, 16u}) {
    m.data_align = align;
    m.pad_data_block = align == 16;
    std::vector<uint8_t> b = md::encode(m);
    fuzz_seed::write(std::string(dir) + "/small_align" + std::to_string(align), b);
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) { write_seeds(dir.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  run(data, size);
  return 0;
}

// libFuzzer target: the frames a migration target reads from its peer (ldm/migration_wire.h,
// the parsing ldm/migration.cpp's Migrator::serve and target_check do), and model_from_json
// (ldm/state_file.h), which reads the offer's domain and ldmd's state files. The first byte
// of an input picks the reader, the rest is the payload:
//   0 MEMORY frame as received (zlib, then u32 count, count x u64 RA, count 8 KB pages)
//   1 MEMORY frame's raw content, compressed here (so the layout checks behind zlib are reached)
//   2 HELLO  3 BEGIN  4 DONE  5 OFFER (JSON)
//   6 a state file / snapshot model (model_from_json)
// The only ways out are WireError and StateError; a crash, a sanitizer report, a hang or any
// other exception is a finding. What is read must also write back and read the same again.
//
// VFSIM_FUZZ_WRITE_SEED=DIR: write valid inputs of every kind to DIR and exit.
#include "tests/fuzz/fuzz_seed.h"
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ldm/migration_pages.h"
#include "ldm/migration_wire.h"
#include "ldm/state_file.h"

using namespace vfsim::ldm;

namespace {

[[noreturn]] void finding(const std::string& what) {
  std::fprintf(stderr, "fuzz_migration_frames: FINDING: %s\n", what.c_str());
  std::abort();
}

Model sample_model() {
  Model m;
  m.hostname = "t5240-a";
  Domain p;
  p.name = "primary";
  p.state = State::Active;
  p.control = true;
  p.vcpus = 8;
  p.memory = 4ull << 30;
  p.strands = {0, 1, 2, 3, 4, 5, 6, 7};
  p.mem = {{0x8000000, 0x40000000, 4ull << 30}};
  p.io = {"pci@400", "pci@500"};
  p.vccs = {{"primary-vcc0", 5000, 5100}};
  p.vdss = {{"primary-vds0", {{"vol1", "/ldoms/ldg1.img", "", ""}}}};
  p.vsws = {{"primary-vsw0", "nxge0", "", 0x00144ff80001ull, 0, 1, 1, 1500, ""}};
  m.domains.push_back(p);
  Domain g;
  g.name = "ldg1";
  g.state = State::Bound;
  g.vcpus = 4;
  g.memory = 2ull << 30;
  g.strands = {8, 9, 10, 11};
  g.mem = {{0x8000000, 0x140000000, 2ull << 30}};
  g.cons_port = 5000;
  g.mac = 0x00144ffa0002ull;
  g.hostid = 0x84a2b3c5;
  g.variables = {{"boot-device", "vdisk1"}, {"auto-boot?", "true"}};
  g.vnets = {{"vnet1", "primary-vsw0", "primary", 0x00144ffa0003ull, 0, 1, 1500, "", ""}};
  g.vdisks = {{"vdisk1", "vol1", "primary-vds0", "primary", 0, 0}};
  m.domains.push_back(g);
  SpConfig sp;
  sp.name = "initial";
  sp.domains = m.domains;
  m.spconfigs.push_back(sp);
  m.current_config = "initial";
  m.next_mac = 4;
  return m;
}

std::string offer_json(const Model& m, const std::string& kind) {
  Model one;
  one.domains.push_back(m.domains.back());
  return R"({"v":1,"domain":)" + model_to_json(one) + R"(,"source_name":"ldg1","kind":")" + kind +
         R"(","dry_run":false,"cpu":"UltraSPARC-T2+","stick_hz":1415000000,"layout":[[134217728,2147483648]],)"
         R"("channels":{"vdisk1":1,"vnet1":2,"ds":0},"crypto_units":0})";
}

std::vector<std::pair<std::string, std::string>> seeds() {
  std::vector<std::pair<std::string, std::string>> out;
  std::vector<uint8_t> pages(2 * wire::kPage);
  for (size_t i = 0; i < pages.size(); ++i) pages[i] = uint8_t(i * 7 + i / 8192);
  uint64_t ras[2] = {0x8000000, 0x8002000};
  out.emplace_back("memory", std::string(1, '\0') + wire::memory_frame(ras, pages.data(), 2));
  std::string raw(4 + 8 + wire::kPage, '\0');
  raw[3] = 1;
  raw[4 + 4] = 0x08;   // RA 0x8000000
  for (size_t i = 0; i < wire::kPage; ++i) raw[12 + i] = char(i % 251);
  out.emplace_back("memory-raw", std::string(1, '\1') + raw);
  out.emplace_back("hello", "\2" R"({"v":1,"user":"root","source":"t5240-a","password":"secret"})");
  out.emplace_back("hello-cert", "\2" R"({"v":1,"user":"root","source":"t5240-a"})");
  out.emplace_back("begin", "\3" R"({"pages":1234})");
  out.emplace_back("done", "\4" R"({"pages":1234,"crc":3735928559})");
  Model m = sample_model();
  out.emplace_back("offer-active", "\5" + offer_json(m, "active"));
  out.emplace_back("offer-inactive", "\5" + offer_json(m, "inactive"));
  out.emplace_back("state", "\6" + model_to_json(m));
  out.emplace_back("state-empty", "\6" + model_to_json(Model{}));
  return out;
}

void one_input(uint8_t mode, const std::string& body) {
  switch (mode % 7) {
    case 0:
    case 1: {
      wire::MemoryFrame f;
      if (!wire::parse_memory_frame(mode % 7 == 0 ? body : wire::deflate(body), f)) return;
      // The target reads every page it accepted; the same pages sent again read the same.
      std::vector<uint64_t> ras;
      uint64_t sum = 0;
      for (size_t j = 0; j < f.count; ++j) {
        ras.push_back(f.ra(j));
        sum += f.page(j)[0] + f.page(j)[wire::kPage - 1];
      }
      wire::MemoryFrame again;
      if (!wire::parse_memory_frame(wire::memory_frame(ras.data(), f.page(0), f.count), again) || again.raw != f.raw)
        finding("a memory frame does not read back the same");
      // The target's bookkeeping (ReceivedPages): the frame twice, as two live rounds would
      // send it: each page once, its last copy the second frame's; the first frame freed.
      wire::ReceivedPages got;
      got.take(f);
      got.take(again);
      std::vector<uint64_t> distinct = ras;
      std::sort(distinct.begin(), distinct.end());
      distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
      size_t seen = 0;
      got.for_each([&](uint64_t, const uint8_t* p) {
        ++seen;
        if (p < reinterpret_cast<const uint8_t*>(got.frames()[1].raw.data()) ||
            p >= reinterpret_cast<const uint8_t*>(got.frames()[1].raw.data()) + got.frames()[1].raw.size())
          finding("a page's last copy is not in the frame that came last");
      });
      if (seen != distinct.size() || got.pages() != distinct.size()) finding("received pages counted wrong");
      if (!got.frames()[0].raw.empty()) finding("a frame sent again in full was kept");
      (void)sum;
      return;
    }
    case 2: {
      wire::Hello h = wire::parse_hello(body);
      (void)h;
      return;
    }
    case 3:
      if (wire::Begin b = wire::parse_begin(body); b.from_pct > b.to_pct || b.to_pct > 100)
        finding("BEGIN's progress runs backwards or past 100");
      (void)wire::parse_scrubbed(body);
      return;
    case 4:
      (void)wire::parse_done(body);
      return;
    case 5: {
      wire::Offer o = wire::parse_offer(body);
      Model one;
      one.domains.push_back(o.domain);
      Model back = model_from_json(model_to_json(one), "round trip");
      if (model_to_json(back) != model_to_json(one)) finding("the offer's domain does not read back the same");
      return;
    }
    case 6: {
      Model m = model_from_json(body, "fuzz");
      std::string text = model_to_json(m);
      if (model_to_json(model_from_json(text, "round trip")) != text) finding("a model does not read back the same");
      return;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& dir) {
    for (const auto& [name, bytes] : seeds()) fuzz_seed::write(dir + "/" + name + ".bin", bytes);
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  try {
    one_input(data[0], std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  } catch (const wire::WireError&) {
  } catch (const StateError&) {
  }
  return 0;
}

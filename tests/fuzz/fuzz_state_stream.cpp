// libFuzzer target: arbitrary bytes into the state-stream reader and into the loads of a few
// Descriptions. Whatever the bytes, the only way out is a StateError (caught here): no crash,
// no read out of bounds, no leak, no allocation the input's size does not justify.
//
// The bytes go in three ways, since random bytes almost never carry a right CRC:
//   1. as a whole stream (header, sections, CRCs, end): StreamReader, then every section
//      through the descriptions;
//   2. as one section's payload in a stream this target writes around them (right CRCs), so
//      the loads behind the reader's checks are reached;
//   3. straight into Description::load (a version, then the fields).
//
// VFSIM_FUZZ_WRITE_SEED=FILE: write a valid stream to FILE and exit (run_fuzz.sh's seed).
#include "tests/fuzz/fuzz_seed.h"
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "sim/state/stream.h"

using namespace vfsim::state;

namespace {

enum class Mode : uint8_t { Off, Raw, Unreliable, Reliable };

struct Cookie {
  uint64_t addr = 0, size = 0;
};
struct Ring {
  uint64_t ident = 0;
  Mode mode = Mode::Off;
  std::vector<Cookie> cookies;
  std::map<uint32_t, std::string> names;
};
const Description<Cookie>& cookie_state();
const Description<Ring>& ring_state();

}  // namespace

VFSIM_DESCRIBED(Cookie, cookie_state);
VFSIM_DESCRIBED(Ring, ring_state);

namespace {

const Description<Cookie>& cookie_state() {
  static const auto d = Description<Cookie>("cookie", 1).field("addr", &Cookie::addr).field("size", &Cookie::size);
  return d;
}
const Description<Ring>& ring_state() {
  static const auto d = Description<Ring>("ring", 2)
                            .field("ident", &Ring::ident)
                            .field("mode", &Ring::mode)
                            .field("cookies", &Ring::cookies)
                            .field("names", &Ring::names, 2);
  return d;
}

struct Vcpu {
  uint64_t regs[8][2] = {};
  std::array<uint16_t, 3> ids{};
  bool running = false;
  double speed = 0;
  int32_t delta = 0;
  std::string name;
  std::vector<uint8_t> scratch;
  std::vector<std::string> log;
  std::pair<uint8_t, int64_t> last{};
  std::vector<Ring> rings;
  std::map<std::string, std::vector<uint64_t>> tables;
  uint32_t peer = 0;   // held as an id here; computed, as a pointer would be
};
const Description<Vcpu>& vcpu_state() {
  static const auto d = Description<Vcpu>("vcpu", 3, 2)
                            .field("regs", &Vcpu::regs)
                            .field("ids", &Vcpu::ids)
                            .field("running", &Vcpu::running)
                            .field("speed", &Vcpu::speed)
                            .field("delta", &Vcpu::delta)
                            .field("name", &Vcpu::name)
                            .field("scratch", &Vcpu::scratch)
                            .field("log", &Vcpu::log, 2)
                            .field("last", &Vcpu::last, 2)
                            .field("rings", &Vcpu::rings, 3)
                            .field("tables", &Vcpu::tables, 3)
                            .computed(
                                "peer", [](const Vcpu& v, Encoder& e) { e.u32(v.peer); },
                                [](Vcpu& v, Decoder& d) {
                                  v.peer = d.u32();
                                  if (v.peer > 63) d.fail("no vcpu " + std::to_string(v.peer));
                                },
                                3);
  return d;
}

// Every section through every description: most will be refused, none may crash.
void load_all(const StreamReader& r) {
  for (const Section& s : r.sections()) {
    try {
      Ring ring;
      Decoder d = s.decoder(r.source());
      ring_state().load_fields(ring, d, ring_state().check_version(d, s.version));
    } catch (const StateError&) {
    }
    try {
      Vcpu v;
      r.part(s.name, vcpu_state(), v);
    } catch (const StateError&) {
    }
  }
}

std::vector<uint8_t> seed() {
  std::vector<uint8_t> out;
  StreamWriter w([&](const uint8_t* p, size_t n) { out.insert(out.end(), p, p + n); });
  Vcpu v;
  v.regs[3][1] = 0x1234;
  v.name = "ldg1/vcpu 0";
  v.scratch = {1, 2, 3};
  v.log = {"boot", ""};
  v.rings.resize(2);
  v.rings[1].cookies = {{0x1000, 0x2000}};
  v.rings[1].names = {{1, "tx"}};
  v.tables["tsb"] = {1, 2};
  v.peer = 7;
  w.part("guest ldg1/vcpu 0", vcpu_state(), v);
  Ring ring;
  ring.mode = Mode::Reliable;
  w.part("ring 0", ring_state(), ring);
  w.finish();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz_seed::write_if_asked([](const std::string& path) { fuzz_seed::write(path, seed()); });   // a file, not a directory
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // 1. The bytes as a stream.
  try {
    StreamReader r(data, size, "fuzz");
    load_all(r);
    r.at("guest ldg1/vcpu 0");
  } catch (const StateError&) {
  }
  // 2. The bytes as the payload of well-formed sections (version from the first byte).
  try {
    std::vector<uint8_t> s;
    StreamWriter w([&](const uint8_t* p, size_t n) { s.insert(s.end(), p, p + n); });
    uint32_t version = size ? data[0] % 5 : 1;
    w.section("vcpu", version, size ? data + 1 : data, size ? size - 1 : 0);
    w.finish();
    StreamReader r(s.data(), s.size(), "fuzz");
    load_all(r);
  } catch (const StateError&) {
  }
  // 3. The bytes as a described value (version first).
  try {
    Vcpu v;
    Decoder d(data, size, "fuzz");
    vcpu_state().load(v, d);
    Encoder e;   // what loaded must save again
    vcpu_state().save(v, e);
  } catch (const StateError&) {
  }
  return 0;
}

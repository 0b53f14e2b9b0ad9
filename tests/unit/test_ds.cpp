// Domain Services: the wire format (models/ds_wire.h, reference §5.7) and the manager's end
// (models/ds.h) on a real channel: this test plays the guest, writing LDC packets into its TX
// queue and reading the service's packets from its RX queue through the hypercalls.
#include <catch2/catch.hpp>

#include <array>

#include "hv_fixture.h"
#include "models/ds.h"

using namespace hvtest;
namespace ds = vfsim::models::ds;
using vfsim::models::DomainServices;

// libsystemc wants the program's sc_main; Catch2 provides main and nothing starts SystemC.
int sc_main(int, char**) { return 0; }

TEST_CASE("DS messages: header, REG_REQ and dr-cpu layouts are big-endian as in the reference", "[ds]") {
  std::vector<uint8_t> m = ds::message(ds::REG_REQ, ds::Writer().u64(0x100000001ull).u16(1).u16(0).str("dr-cpu").b);
  std::vector<uint8_t> want = {0, 0, 0, 3, 0, 0, 0, 19, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 0, 'd', 'r', '-', 'c', 'p', 'u', 0};
  CHECK(m == want);
  uint32_t type;
  std::vector<uint8_t> p;
  std::string why;
  REQUIRE(ds::parse(m, type, p, why));
  CHECK(type == ds::REG_REQ);
  ds::RegReq q;
  REQUIRE(ds::parse_reg_req(p, q));
  CHECK(q.handle == 0x100000001ull);
  CHECK(q.major == 1);
  CHECK(q.id == "dr-cpu");
  m.pop_back();
  CHECK_FALSE(ds::parse(m, type, p, why));
  CHECK(why == "header says 19 payload bytes, 18 came");
  std::vector<uint8_t> noterm = {0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 'x'};
  CHECK_FALSE(ds::parse_reg_req(noterm, q));   // the id must be NUL-terminated

  CHECK(ds::dr_cpu_request(ds::DR_CONFIGURE, {2, 3}) ==
        std::vector<uint8_t>{0, 0, 0, 'C', 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3});
  std::vector<uint8_t> reply = ds::Writer().u32('o').u32(1).u32(5).u32(ds::DRCPU_NOT_IN_MD).u32(0).u32(0).b;
  ds::DrCpuReply r;
  REQUIRE(ds::parse_dr_cpu_reply(reply, r));
  CHECK(r.type == ds::DR_OK);
  REQUIRE(r.records.size() == 1);
  CHECK(r.records[0].cpu == 5);
  CHECK(std::string(ds::dr_cpu_result_name(r.records[0].result)) == "not in the MD");
  reply.resize(reply.size() - 1);
  CHECK_FALSE(ds::parse_dr_cpu_reply(reply, r));
}

namespace {
// The guest's end of a RELIABLE channel, written out packet by packet (reference §4.2-§4.5).
struct GuestLink {
  HvFixture& f;
  uint64_t ch;
  uint64_t tx = kRa0 + 0x100000, rx = kRa0 + 0x102000, entries = 32;
  uint64_t tx_tail = 0, rx_head = 0;
  uint32_t seq = 0;

  void setup() {
    REQUIRE(f.fast(0xe0, ch, tx, entries).status == hv::HV_EOK);   // ldc_tx_qconf
    REQUIRE(f.fast(0xe4, ch, rx, entries).status == hv::HV_EOK);   // ldc_rx_qconf
  }
  void put(uint8_t type, uint8_t stype, uint8_t ctrl, uint8_t env, uint32_t seqid, const uint8_t* data = nullptr,
           unsigned n = 0) {
    std::array<uint8_t, 64> p{};
    p = {type, stype, ctrl, env, uint8_t(seqid >> 24), uint8_t(seqid >> 16), uint8_t(seqid >> 8), uint8_t(seqid)};
    if (ctrl == 1) p[9] = 1;   // VER 1.0
    for (unsigned i = 0; i < n; ++i) p[16 + i] = data[i];
    f.write(tx + tx_tail, p.data(), 64);
    tx_tail = (tx_tail + 64) % (64 * entries);
    REQUIRE(f.fast(0xe3, ch, tx_tail).status == hv::HV_EOK);   // ldc_tx_set_qtail: the service reads it now
  }
  std::vector<std::array<uint8_t, 64>> take() {
    Result st = f.fast(0xe6, ch);   // ldc_rx_get_state: head, tail, state
    std::vector<std::array<uint8_t, 64>> out;
    for (; rx_head != st.r[1]; rx_head = (rx_head + 64) % (64 * entries)) {
      std::array<uint8_t, 64> p;
      f.read(rx + rx_head, p.data(), 64);
      out.push_back(p);
    }
    REQUIRE(f.fast(0xe7, ch, rx_head).status == hv::HV_EOK);
    return out;
  }
  void handshake() {
    put(1, 1, 1, 0, 0);       // VER INFO
    put(1, 1, 2, 3, 0);       // RTS, RELIABLE, seqid 0
    put(1, 1, 4, 0, ++seq);   // RDX
    take();
  }
  void send(const std::vector<uint8_t>& m) {
    for (size_t at = 0; at < m.size(); at += 48) {
      unsigned k = unsigned(std::min<size_t>(48, m.size() - at));
      uint8_t env = uint8_t(k | (at == 0 ? 0x40 : 0) | (at + k == m.size() ? 0x80 : 0));
      put(2, 1, 0, env, ++seq, m.data() + at, k);
    }
  }
  // The service's whole DATA messages (its ACKs skipped).
  std::vector<std::vector<uint8_t>> messages() {
    std::vector<std::vector<uint8_t>> out;
    std::vector<uint8_t> cur;
    for (auto& p : take()) {
      if (p[0] != 2 || p[1] != 1) continue;
      if (p[3] & 0x40) cur.clear();
      cur.insert(cur.end(), p.begin() + 16, p.begin() + 16 + (p[3] & 0x3f));
      if (p[3] & 0x80) out.push_back(cur);
    }
    return out;
  }
};
}  // namespace

TEST_CASE("DomainServices: INIT, registrations (unknown and duplicate ones refused), a request and its reply",
          "[ds][ldc]") {
  HvFixture f;
  hv::Guest& g = f.guest();
  DomainServices svc;
  hv::VirtualDevice dev;
  dev.kind = hv::VirtualDevice::DomainServices;
  uint64_t ch = f.h->connect_service(g, svc, dev);
  GuestLink l{f, ch};
  l.setup();
  l.handshake();
  CHECK_FALSE(svc.has(g, "dr-cpu"));

  l.send(ds::message(ds::INIT_REQ, ds::Writer().u16(1).u16(0).b));
  auto m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::INIT_ACK, ds::Writer().u16(0).b));

  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x200000001ull).u16(1).u16(0).str("dr-cpu").b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x300000001ull).u16(1).u16(0).str("pri").b));
  l.send(ds::message(ds::REG_REQ, ds::Writer().u64(0x400000001ull).u16(1).u16(0).str("dr-cpu").b));
  m = l.messages();
  REQUIRE(m.size() == 3);
  CHECK(m[0] == ds::message(ds::REG_ACK, ds::Writer().u64(0x200000001ull).u16(0).b));
  CHECK(m[1] == ds::message(ds::REG_NACK, ds::Writer().u64(0x300000001ull).u64(ds::REG_VER_NACK).u16(0).b));
  CHECK(m[2] == ds::message(ds::REG_NACK, ds::Writer().u64(0x400000001ull).u64(ds::REG_DUP).u16(1).b));
  CHECK(svc.has(g, "dr-cpu"));
  CHECK_FALSE(svc.has(g, "pri"));
  CHECK(svc.request(*f.h, g, "md-update", {}, nullptr) == 0);   // not registered

  DomainServices::Answer got;
  int calls = 0;
  uint64_t req = svc.request(*f.h, g, "dr-cpu", ds::dr_cpu_request(ds::DR_CONFIGURE, {4}),
                             [&](const DomainServices::Answer& a) { got = a, ++calls; });
  REQUIRE(req != 0);
  m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req)
                                          .bytes(ds::dr_cpu_request(ds::DR_CONFIGURE, {4})).b));
  // The guest's reply: 'o', one record {cpu 4, ok, configured, no string}; 64 bytes, two packets.
  l.send(ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req).u32('o').u32(1).u32(4).u32(0).u32(2).u32(0).b));
  REQUIRE(calls == 1);
  CHECK(got.ok);
  CHECK(got.service == "dr-cpu");
  ds::DrCpuReply rep;
  REQUIRE(ds::parse_dr_cpu_reply(got.data, rep));
  CHECK(rep.records.at(0).status == ds::DRCPU_CONFIGURED);
  // A reply nobody waits for (or a wrong handle) is NACKed with INV_HDL.
  l.send(ds::message(ds::DATA, ds::Writer().u64(0x200000001ull).u64(req).u32(0).b));
  m = l.messages();
  REQUIRE(m.size() == 1);
  CHECK(m[0] == ds::message(ds::NACK, ds::Writer().u64(0x200000001ull).u64(ds::INV_HDL).b));
  CHECK(svc.counters().registrations == 1);
  CHECK(svc.counters().reg_nacks == 2);
  CHECK(svc.counters().requests == 1);
  CHECK(svc.counters().replies == 1);

  // The guest reconfigures its queues (a reboot): pending requests fail, registrations end.
  svc.request(*f.h, g, "dr-cpu", ds::dr_cpu_request(ds::DR_STATUS, {0}), [&](const DomainServices::Answer& a) {
    got = a, ++calls;
  });
  l.setup();
  CHECK(calls == 2);
  CHECK_FALSE(got.ok);
  CHECK(got.error == "the domain services channel was reset");
  CHECK_FALSE(svc.has(g, "dr-cpu"));
}

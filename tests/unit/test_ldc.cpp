// Logical Domain Channels in the hypervisor: endpoints in the MD, link states, packets from
// a TX queue to the peer's RX queue with the receive interrupt, flow control when the
// receiver is full or down, and copies through the exported map table with its permissions.
#include "tests/unit/hv_fixture.h"

#include "hv/machine_description.h"
#include "sim/isa/asi.h"

using namespace hvtest;

namespace {

enum : uint64_t {
  LDC_TX_QCONF = 0xe0, LDC_TX_QINFO = 0xe1, LDC_TX_GET_STATE = 0xe2, LDC_TX_SET_QTAIL = 0xe3,
  LDC_RX_QCONF = 0xe4, LDC_RX_QINFO = 0xe5, LDC_RX_GET_STATE = 0xe6, LDC_RX_SET_QHEAD = 0xe7,
  LDC_SET_MAP_TABLE = 0xea, LDC_GET_MAP_TABLE = 0xeb, LDC_COPY = 0xec, LDC_MAPIN = 0xed,
};
constexpr uint64_t kTxA = kRa0 + 0x100000, kRxB = kRa0 + 0x200000;

struct Pair {
  HvFixture f{{guest_config("a", 2, {64ull << 20}), guest_config("b", 2, {64ull << 20})}};
  uint64_t cha = 0, chb = 0;
  Pair() {
    auto ids = f.h->connect(f.guest(0), f.guest(1));
    cha = ids.first;
    chb = ids.second;
  }
  Result a(uint64_t fn, std::initializer_list<uint64_t> args) { return f.call_on(0, 0, kFast, fn, args); }
  Result b(uint64_t fn, std::initializer_list<uint64_t> args) { return f.call_on(1, 0, kFast, fn, args); }
};

}  // namespace

TEST_CASE("a channel's endpoints appear in both guests' MDs with their devinos", "[ldc]") {
  Pair p;
  for (unsigned gi = 0; gi < 2; ++gi) {
    auto md = vfsim::hv::md::decode(p.f.guest(gi).md);
    int ep = md.find_node("channel-endpoint");
    REQUIRE(ep >= 0);
    CHECK(md.nodes[size_t(ep)].find("id")->value == 0);
    CHECK(md.nodes[size_t(ep)].find("tx-ino")->value == 0);
    CHECK(md.nodes[size_t(ep)].find("rx-ino")->value == 1);
  }
  CHECK(p.a(LDC_TX_QCONF, {7, kTxA, 16}).status == hv::HV_ECHANNEL);
}

TEST_CASE("link states: down until the peer has an RX queue, RESET once, then up", "[ldc]") {
  Pair p;
  REQUIRE(p.a(LDC_TX_QCONF, {p.cha, kTxA, 16}).status == hv::HV_EOK);
  p.f.guest(0).channel(p.cha)->reset_seen = false;
  Result s = p.a(LDC_TX_GET_STATE, {p.cha});
  CHECK(s.status == hv::HV_EOK);
  CHECK(s.r[2] == 0);   // DOWN
  REQUIRE(p.b(LDC_RX_QCONF, {p.chb, kRxB, 8}).status == hv::HV_EOK);
  CHECK(p.a(LDC_TX_GET_STATE, {p.cha}).r[2] == 2);   // RESET, once
  CHECK(p.a(LDC_TX_GET_STATE, {p.cha}).r[2] == 1);   // UP
  Result info = p.b(LDC_RX_QINFO, {p.chb});
  CHECK(info.r[0] == kRxB);
  CHECK(info.r[1] == 8);
}

TEST_CASE("packets move from the TX queue to the peer's RX queue and raise its rx interrupt", "[ldc]") {
  Pair p;
  REQUIRE(p.a(LDC_TX_QCONF, {p.cha, kTxA, 16}).status == hv::HV_EOK);
  REQUIRE(p.b(LDC_RX_QCONF, {p.chb, kRxB, 8}).status == hv::HV_EOK);
  // b's rx interrupt (devhandle 0x200, ino 1) to its vCPU 0's device mondo queue
  REQUIRE(p.b(hvtest::fn::CPU_QCONF, {hv::Q_DEV_MONDO, kRa0 + 0x300000, 16}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::VINTR_SETCOOKIE, {0x200, 1, 0xc00c1e}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::VINTR_SETSTATE, {0x200, 1, 0}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::VINTR_SETVALID, {0x200, 1, 1}).status == hv::HV_EOK);
  std::vector<uint8_t> pkt(64);
  for (unsigned i = 0; i < 64; ++i) pkt[i] = uint8_t(i * 3 + 1);
  p.f.write(kTxA, pkt.data(), 64, 0);
  REQUIRE(p.a(LDC_TX_SET_QTAIL, {p.cha, 64}).status == hv::HV_EOK);
  CHECK(p.f.bytes(kRxB, 64, 1) == pkt);
  Result rs = p.b(LDC_RX_GET_STATE, {p.chb});
  CHECK(rs.r[0] == 0);
  CHECK(rs.r[1] == 64);
  CHECK(p.f.ld64(kRa0 + 0x300000, 1) == 0xc00c1e);   // the cookie in a dev mondo
  CHECK(p.a(LDC_TX_GET_STATE, {p.cha}).r[0] == 64);   // the sender's head followed
  REQUIRE(p.b(LDC_RX_SET_QHEAD, {p.chb, 64}).status == hv::HV_EOK);
  // bad pointers
  CHECK(p.a(LDC_TX_SET_QTAIL, {p.cha, 65}).status == hv::HV_EBADALIGN);
  CHECK(p.a(LDC_TX_SET_QTAIL, {p.cha, 16 * 64}).status == hv::HV_EINVAL);
  CHECK(p.b(LDC_RX_SET_QHEAD, {p.chb, 128}).status == hv::HV_EINVAL);   // past the tail
  CHECK(p.a(LDC_TX_QCONF, {p.cha, kTxA, 12}).status == hv::HV_EINVAL);
  CHECK(p.a(LDC_TX_QCONF, {p.cha, kTxA + 64, 16}).status == hv::HV_EBADALIGN);
  CHECK(p.a(LDC_TX_QCONF, {p.cha, kHoleRa, 16}).status == hv::HV_ENORADDR);
}

TEST_CASE("a flooding sender fills the receiver's queue; the rest waits and nothing is lost", "[ldc]") {
  Pair p;
  REQUIRE(p.a(LDC_TX_QCONF, {p.cha, kTxA, 16}).status == hv::HV_EOK);
  for (unsigned i = 0; i < 12; ++i) p.f.st64(kTxA + 64 * i, 1000 + i, 0);
  // The receiver is down: everything stays in the sender's queue.
  REQUIRE(p.a(LDC_TX_SET_QTAIL, {p.cha, 12 * 64}).status == hv::HV_EOK);
  CHECK(p.a(LDC_TX_GET_STATE, {p.cha}).r[0] == 0);
  // An RX queue of 8 entries holds 7: the other 5 wait.
  REQUIRE(p.b(LDC_RX_QCONF, {p.chb, kRxB, 8}).status == hv::HV_EOK);
  Result rs = p.b(LDC_RX_GET_STATE, {p.chb});
  CHECK(rs.r[1] == 7 * 64);
  CHECK(p.a(LDC_TX_GET_STATE, {p.cha}).r[0] == 7 * 64);
  std::vector<uint64_t> got;
  uint64_t head = 0;
  while (got.size() < 12) {
    Result st = p.b(LDC_RX_GET_STATE, {p.chb});
    REQUIRE(st.r[1] != head);
    while (head != st.r[1]) {
      got.push_back(p.f.ld64(kRxB + head, 1));
      head = (head + 64) % (8 * 64);
    }
    REQUIRE(p.b(LDC_RX_SET_QHEAD, {p.chb, head}).status == hv::HV_EOK);
  }
  for (unsigned i = 0; i < 12; ++i) CHECK(got[i] == 1000 + i);
  // vfctl stats' traffic counters: each packet once, when it moved.
  const hv::Guest &a = p.f.guest(0), &b = p.f.guest(1);
  CHECK(a.ldc_tx_packets == 12);
  CHECK(a.ldc_tx_bytes == 12 * 64);
  CHECK(b.ldc_rx_packets == 12);
  CHECK(b.ldc_rx_bytes == 12 * 64);
  CHECK(a.ldc_rx_packets + b.ldc_tx_packets + a.ldc_rx_bytes + b.ldc_tx_bytes == 0);
}

TEST_CASE("ldc_copy goes through the peer's map table and its permissions; errors move nothing", "[ldc]") {
  Pair p;
  const uint64_t table = kRa0 + 0x400000, page = kRa0 + 0x500000, local = kRa0 + 0x600000;
  // b exports its page at slot 2 for copy-in (CR) only.
  REQUIRE(p.b(LDC_SET_MAP_TABLE, {p.chb, table, 8}).status == hv::HV_EOK);
  p.f.st64(table + 16 * 2, (page & 0x00ffffffffffe000ull) | 0x200, 1);
  p.f.fill(page, 0x5a, 8192, 1);
  p.f.fill(local, 0x11, 8192, 0);
  uint64_t cookie = (2ull << 13) | 0x100;
  Result in = p.a(LDC_COPY, {p.cha, 0, cookie, local, 256});
  CHECK(in.status == hv::HV_EOK);
  CHECK(in.r[0] == 256);
  CHECK(p.f.bytes(local, 256, 0) == std::vector<uint8_t>(256, 0x5a));
  CHECK(p.f.bytes(local + 256, 1, 0)[0] == 0x11);
  // a copy stops at the end of the exported page
  CHECK(p.a(LDC_COPY, {p.cha, 0, (2ull << 13) | 8000, local, 1024}).r[0] == 192);
  // copy-out needs CW: refused, and b's page is untouched
  p.f.fill(local, 0x77, 64, 0);
  CHECK(p.a(LDC_COPY, {p.cha, 1, cookie, local, 64}).status == hv::HV_ENOACCESS);
  CHECK(p.f.bytes(page + 0x100, 64, 1) == std::vector<uint8_t>(64, 0x5a));
  CHECK(p.a(LDC_COPY, {p.cha, 0, 9ull << 13, local, 64}).status == hv::HV_ENOMAP);      // past the table
  CHECK(p.a(LDC_COPY, {p.cha, 0, cookie | 4, local, 64}).status == hv::HV_EBADALIGN);
  CHECK(p.a(LDC_COPY, {p.cha, 2, cookie, local, 64}).status == hv::HV_EINVAL);
  CHECK(p.a(LDC_COPY, {p.cha, 0, cookie | (1ull << 60), local, 64}).status == hv::HV_EBADPGSZ);
  CHECK(p.a(LDC_COPY, {p.cha, 0, cookie, kHoleRa, 64}).status == hv::HV_ENORADDR);
  // an exported RA that is not b's memory (a's page, by physical address) moves nothing
  p.f.st64(table + 16 * 3, (p.f.guest(0).memory[0].pa & 0x00ffffffffffe000ull) | 0x600, 1);
  CHECK(p.a(LDC_COPY, {p.cha, 1, 3ull << 13, local, 64}).status == hv::HV_ENORADDR);
  // no table on the peer
  REQUIRE(p.b(LDC_SET_MAP_TABLE, {p.chb, 0, 0}).status == hv::HV_EOK);
  CHECK(p.a(LDC_COPY, {p.cha, 0, cookie, local, 64}).status == hv::HV_ENOMAP);
  CHECK(p.b(LDC_SET_MAP_TABLE, {p.chb, table, 6}).status == hv::HV_EINVAL);
  CHECK(p.b(LDC_SET_MAP_TABLE, {p.chb, table + 8, 8}).status == hv::HV_EBADALIGN);
  CHECK(p.a(LDC_MAPIN, {p.cha, cookie}).status == hv::HV_ENOMAP);   // nothing exported any more
  // vfctl stats' traffic counters: the two copies in (256 + 192 bytes), not the refused ones.
  CHECK(p.f.guest(0).ldc_rx_bytes == 448);
  CHECK(p.f.guest(1).ldc_tx_bytes == 448);
  CHECK(p.f.guest(0).ldc_tx_bytes + p.f.guest(1).ldc_rx_bytes == 0);
}

TEST_CASE("ldc_mapin maps the peer's page with the exporter's R/W; unmap and revoke take it away", "[ldc]") {
  Pair p;
  const uint64_t table = kRa0 + 0x400000, ro = kRa0 + 0x500000, rw = kRa0 + 0x502000;
  REQUIRE(p.b(LDC_SET_MAP_TABLE, {p.chb, table, 8}).status == hv::HV_EOK);
  p.f.st64(table + 16 * 2, ro | 0x10 | 0x200);   // R (direct) + CR
  p.f.st64(table + 16 * 3, rw | 0x30);            // R W
  p.f.st64(table + 16 * 4, rw | 0x600);           // copy only: no direct-map permission
  // the exporter's table is b's memory: write it there
  for (unsigned slot : {2u, 3u, 4u}) p.f.st64(table + 16 * slot, p.f.ld64(table + 16 * slot, 0), 1);
  p.f.fill(ro, 0x3c, 8192, 1);
  Result m = p.a(LDC_MAPIN, {p.cha, (2ull << 13) | 0x40});
  REQUIRE(m.status == hv::HV_EOK);
  CHECK(m.r[0] == (hv::kMapinBase | 0x40));
  CHECK(m.r[1] == 1);   // R
  isa::StrandState& st = p.f.state(0, 0);
  isa::Translation t = st.mem->translate(st, hv::kMapinBase, isa::Access::Read, isa::ASI_PRIMARY);
  REQUIRE(t.page);
  CHECK(t.page[0x40] == 0x3c);        // b's byte, read by a
  CHECK_FALSE(t.cacheable);           // so that unmap and revoke take effect at once
  t = st.mem->translate(st, hv::kMapinBase, isa::Access::Write, isa::ASI_PRIMARY);
  CHECK(t.page == nullptr);
  CHECK(t.fault == isa::TT_DATA_ACCESS_EXCEPTION);
  Result w = p.a(LDC_MAPIN, {p.cha, 3ull << 13});
  REQUIRE(w.status == hv::HV_EOK);
  CHECK(w.r[0] == hv::kMapinBase + 8192);
  CHECK(w.r[1] == 3);   // R W
  t = st.mem->translate(st, w.r[0], isa::Access::Write, isa::ASI_PRIMARY);
  REQUIRE(t.page);
  t.page[8] = 0xab;
  CHECK(p.f.bytes(rw + 8, 1, 1)[0] == 0xab);   // a's store reached b's page
  CHECK(p.a(LDC_MAPIN, {p.cha, 4ull << 13}).status == hv::HV_ENOACCESS);
  CHECK(p.a(LDC_MAPIN, {p.cha, 9ull << 13}).status == hv::HV_ENOMAP);
  // revoke needs the cookie the mapping left in the slot's second word
  uint64_t revoke_cookie = p.f.ld64(table + 16 * 2 + 8, 1);
  CHECK(revoke_cookie != 0);
  CHECK(p.b(0xef, {p.chb, 2ull << 13, revoke_cookie + 1}).status == hv::HV_EINVAL);
  CHECK(p.b(0xef, {p.chb, 2ull << 13, revoke_cookie}).status == hv::HV_EOK);
  t = st.mem->translate(st, hv::kMapinBase, isa::Access::Read, isa::ASI_PRIMARY);
  CHECK(t.page == nullptr);
  // unmap
  CHECK(p.a(0xee, {w.r[0]}).status == hv::HV_EOK);
  CHECK(p.a(0xee, {w.r[0]}).status == hv::HV_EINVAL);
  CHECK(st.mem->translate(st, w.r[0], isa::Access::Read, isa::ASI_PRIMARY).page == nullptr);
}

TEST_CASE("re-arming the rx interrupt with packets still queued interrupts again at once", "[ldc]") {
  Pair p;
  REQUIRE(p.a(LDC_TX_QCONF, {p.cha, kTxA, 16}).status == hv::HV_EOK);
  REQUIRE(p.b(LDC_RX_QCONF, {p.chb, kRxB, 8}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::CPU_QCONF, {hv::Q_DEV_MONDO, kRa0 + 0x300000, 16}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::VINTR_SETSTATE, {0x200, 1, 0}).status == hv::HV_EOK);
  REQUIRE(p.b(hvtest::fn::VINTR_SETVALID, {0x200, 1, 1}).status == hv::HV_EOK);
  REQUIRE(p.a(LDC_TX_SET_QTAIL, {p.cha, 64}).status == hv::HV_EOK);
  REQUIRE(p.f.vcpu(1, 0).queue(hv::Q_DEV_MONDO).tail == 64);   // delivered
  REQUIRE(p.a(LDC_TX_SET_QTAIL, {p.cha, 128}).status == hv::HV_EOK);
  CHECK(p.f.vcpu(1, 0).queue(hv::Q_DEV_MONDO).tail == 64);     // still "delivered": no second mondo
  REQUIRE(p.b(hvtest::fn::VINTR_SETSTATE, {0x200, 1, 0}).status == hv::HV_EOK);   // end of interrupt
  CHECK(p.f.vcpu(1, 0).queue(hv::Q_DEV_MONDO).tail == 128);    // packets wait: it fires again
}

// The virtual switch against vnets played by the test: each guest's queues, map table,
// rings and buffers are set up in its memory with hypercalls and stores, and packets go to
// the switch the way a guest sends them (ldc_tx_set_qtail), so the switch reads and writes
// through the guests' map tables for real. Covers what the runtime's own vnet never does:
// ATTR variants by version, ring registrations the switch must refuse, and broken
// descriptors on both rings.
#include "tests/unit/hv_fixture.h"

#include <array>
#include <vector>

#include "models/vsw.h"

using namespace hvtest;
namespace models = vfsim::models;

namespace {

enum : uint64_t { TX_QCONF = 0xe0, TX_SET_QTAIL = 0xe3, RX_QCONF = 0xe4, RX_GET_STATE = 0xe6, RX_SET_QHEAD = 0xe7,
                  SET_MAP_TABLE = 0xea };
enum : uint64_t { CR = 0x200, CW = 0x400 };
constexpr uint32_t kNdesc = 8, kDescSize = 48, kBuf = 2048;
using Msg = std::array<uint8_t, 56>;

void put(uint8_t* p, unsigned n, uint64_t v) { models::put_be(p, n, v); }
uint64_t get(const uint8_t* p, unsigned n) { return models::get_be(p, n); }

// One guest's vnet, by hand. Memory (guest real addresses from kRa0 + 1 MB): queues, map
// table (64 slots), TX ring, RX ring, then the TX and RX buffers (8 x 2 KB each).
struct FakeVnet {
  HvFixture& f;
  unsigned gi;
  uint64_t ch = 0, mac = 0;
  uint64_t base = kRa0 + 0x100000;
  uint64_t txq = base, rxq = base + 0x2000, map = base + 0x4000, tx_ring = base + 0x6000, rx_ring = base + 0x8000,
           tx_buf = base + 0x10000, rx_buf = base + 0x20000;
  uint64_t tx_tail = 0, rx_head = 0;
  uint32_t seq = 0, sid = 0x1234;
  uint64_t tx_ident = 0, rx_ident = 0;

  FakeVnet(HvFixture& fx, unsigned g, uint64_t channel, uint64_t m) : f(fx), gi(g), ch(channel), mac(m) {
    REQUIRE(call(TX_QCONF, {ch, txq, 128}).status == hv::HV_EOK);
    REQUIRE(call(RX_QCONF, {ch, rxq, 128}).status == hv::HV_EOK);
    REQUIRE(call(SET_MAP_TABLE, {ch, map, 64}).status == hv::HV_EOK);
  }
  Result call(uint64_t fn, std::initializer_list<uint64_t> args) { return f.call_on(gi, 0, kFast, fn, args); }
  // Map-table slots [slot, slot + pages) for the pages from ra on: the cookie of ra.
  uint64_t export_pages(unsigned slot, uint64_t ra, unsigned pages, uint64_t perm) {
    for (unsigned i = 0; i < pages; ++i) f.st64(map + 16 * (slot + i), ((ra & ~8191ull) + 8192 * i) | perm, gi);
    return uint64_t(slot) << 13 | (ra & 8191);
  }

  void send_packet(const uint8_t p[64]) {
    f.write(txq + tx_tail, p, 64, gi);
    tx_tail = (tx_tail + 64) % 8192;
    REQUIRE(call(TX_SET_QTAIL, {ch, tx_tail}).status == hv::HV_EOK);
  }
  std::vector<std::array<uint8_t, 64>> packets() {
    Result st = call(RX_GET_STATE, {ch});
    REQUIRE(st.status == hv::HV_EOK);
    std::vector<std::array<uint8_t, 64>> v;
    for (; rx_head != st.r[1]; rx_head = (rx_head + 64) % 8192) {
      v.emplace_back();
      f.read(rxq + rx_head, v.back().data(), 64, gi);
    }
    REQUIRE(call(RX_SET_QHEAD, {ch, rx_head}).status == hv::HV_EOK);
    return v;
  }
  void ctrl(uint8_t ctrl, uint8_t env, uint32_t seqid) {
    uint8_t p[64] = {0x01, 0x01, ctrl, env};
    put(p + 4, 4, seqid);
    if (ctrl == 0x01) p[9] = 1;   // LDC version 1.0
    send_packet(p);
  }
  // The LDC handshake in UNRELIABLE mode (we initiate).
  void link_up() {
    ctrl(0x01, 0, 0);
    ctrl(0x02, 1, 0);   // RTS, mode 1, initial seqid 0
    ctrl(0x04, 0, 1);   // RDX
    seq = 1;
    auto p = packets();
    REQUIRE(p.size() == 2);   // VER ACK, RTR
    CHECK((p[0][1] == 0x02 && p[0][2] == 0x01));
    CHECK((p[1][2] == 0x03 && p[1][3] == 1));
  }
  // A VIO message (one packet); the VIO messages that came back.
  std::vector<Msg> vio(uint8_t type, uint8_t stype, uint16_t env, Msg m) {
    m[0] = type;
    m[1] = stype;
    put(&m[2], 2, env);
    put(&m[4], 4, sid);
    uint8_t p[64] = {0x02, 0x01, 0, 0xc0 | 56};
    put(p + 4, 4, ++seq);
    std::copy(m.begin(), m.end(), p + 8);
    send_packet(p);
    std::vector<Msg> out;
    for (auto& q : packets()) {
      REQUIRE(q[0] == 0x02);
      Msg r;
      std::copy(q.begin() + 8, q.end(), r.begin());
      out.push_back(r);
    }
    return out;
  }
  // One control exchange: the answer's subtype (ACK 2, NACK 4), the answer in m.
  uint8_t control(uint16_t env, Msg& m) {
    auto r = vio(models::VIO_TYPE_CTRL, models::VIO_SUBTYPE_INFO, env, m);
    REQUIRE(r.size() == 1);
    CHECK(get(&r[0][2], 2) == env);
    m = r[0];
    return m[1];
  }
  uint8_t version(uint16_t major, uint16_t minor) {
    Msg m{};
    put(&m[8], 2, major);
    put(&m[10], 2, minor);
    m[12] = models::VDEV_NETWORK;
    return control(models::VIO_VER_INFO, m);
  }
  uint8_t attr(uint8_t xfer, uint8_t addr_type, uint64_t their_mac, uint64_t mtu, uint64_t* agreed = nullptr) {
    Msg m{};
    m[8] = xfer;
    m[9] = addr_type;
    put(&m[16], 8, their_mac);
    put(&m[24], 8, mtu);
    uint8_t st = control(models::VIO_ATTR_INFO, m);
    if (agreed) *agreed = get(&m[24], 8);
    return st;
  }
  uint8_t dring_reg(uint16_t options, uint32_t ndesc, uint32_t desc_size, uint64_t cookie, uint64_t size,
                    uint64_t* ident = nullptr) {
    Msg m{};
    put(&m[16], 4, ndesc);
    put(&m[20], 4, desc_size);
    put(&m[24], 2, options);
    put(&m[28], 4, 1);
    put(&m[32], 8, cookie);
    put(&m[40], 8, size);
    uint8_t st = control(models::VIO_DRING_REG, m);
    if (ident) *ident = get(&m[8], 8);
    return st;
  }
  // The whole session: version 1.6, ATTR, both rings exported and registered, RX buffers
  // posted, RDX. TX buffers are exported CR, RX buffers CW.
  void up() {
    link_up();
    REQUIRE(version(1, 6) == models::VIO_SUBTYPE_ACK);
    REQUIRE(attr(0x4, 1, mac, 1500) == models::VIO_SUBTYPE_ACK);
    uint64_t txc = export_pages(0, tx_ring, 1, CR | CW), rxc = export_pages(1, rx_ring, 1, CR | CW);
    export_pages(2, tx_buf, 2, CR);
    export_pages(4, rx_buf, 2, CW);
    for (uint32_t i = 0; i < kNdesc; ++i) post_rx(i);
    REQUIRE(dring_reg(models::VIO_TX_DRING, kNdesc, kDescSize, txc, kNdesc * kDescSize, &tx_ident) ==
            models::VIO_SUBTYPE_ACK);
    REQUIRE(dring_reg(models::VIO_RX_DRING, kNdesc, kDescSize, rxc, kNdesc * kDescSize, &rx_ident) ==
            models::VIO_SUBTYPE_ACK);
    Msg m{};
    REQUIRE(control(models::VIO_RDX, m) == models::VIO_SUBTYPE_ACK);
  }
  uint64_t tx_buf_cookie(uint32_t i) const { return (2ull << 13) + uint64_t(i) * kBuf; }
  uint64_t rx_buf_cookie(uint32_t i) const { return (4ull << 13) + uint64_t(i) * kBuf; }
  void desc(uint64_t ring, uint32_t i, uint8_t state, uint32_t nbytes, uint32_t ncookies, uint64_t cookie,
            uint64_t size) {
    uint8_t d[kDescSize] = {};
    d[0] = state;
    put(d + 8, 4, nbytes);
    put(d + 12, 4, ncookies);
    put(d + 16, 8, cookie);
    put(d + 24, 8, size);
    f.write(ring + uint64_t(i) * kDescSize, d, kDescSize, gi);
  }
  void post_rx(uint32_t i) { desc(rx_ring, i, models::VIO_DESC_READY, 0, 1, rx_buf_cookie(i), kBuf); }
  uint8_t state(uint64_t ring, uint32_t i) { return f.bytes(ring + uint64_t(i) * kDescSize, 1, gi)[0]; }
  uint32_t nbytes(uint64_t ring, uint32_t i) { return uint32_t(get(f.bytes(ring + uint64_t(i) * kDescSize + 8, 4, gi).data(), 4)); }
  // A frame into TX buffer i (+6), descriptor READY, and DRING_DATA INFO from start.
  std::vector<Msg> transmit(uint32_t i, const std::vector<uint8_t>& frame, uint32_t start) {
    f.write(tx_buf + uint64_t(i) * kBuf + 6, frame.data(), frame.size(), gi);
    desc(tx_ring, i, models::VIO_DESC_READY, uint32_t(frame.size()), 1, tx_buf_cookie(i), (6 + frame.size() + 7) & ~7ull);
    return dring_data(tx_ident, start);
  }
  std::vector<Msg> dring_data(uint64_t ident, uint32_t start) {
    Msg m{};
    put(&m[8], 8, 1);
    put(&m[16], 8, ident);
    put(&m[24], 4, start);
    put(&m[28], 4, 0xffffffff);
    return vio(models::VIO_TYPE_DATA, models::VIO_SUBTYPE_INFO, models::VIO_DRING_DATA, m);
  }
};

std::vector<uint8_t> frame(uint64_t dst, uint64_t src, size_t n, uint8_t fill) {
  std::vector<uint8_t> f(n, fill);
  put(f.data(), 6, dst);
  put(f.data() + 6, 6, src);
  f[12] = 0x88;
  f[13] = 0xb5;
  return f;
}

constexpr uint64_t kMacA = 0x00144ff80000, kMacB = 0x00144ff80001;

struct Net {
  HvFixture f{{guest_config("a", 1, {64ull << 20}), guest_config("b", 1, {64ull << 20})}};
  models::VirtualSwitch sw{"sw0"};
  std::unique_ptr<FakeVnet> a, b;
  Net() {
    for (unsigned gi = 0; gi < 2; ++gi) {
      hv::VirtualDevice dev;
      dev.kind = hv::VirtualDevice::Network;
      dev.mac = gi ? kMacB : kMacA;
      uint64_t ch = f.h->connect_service(f.guest(gi), sw, dev);
      sw.add_port(f.guest(gi).name, f.guest(gi), ch, dev.mac);
      (gi ? b : a) = std::make_unique<FakeVnet>(f, gi, ch, dev.mac);
    }
  }
  models::VirtualSwitch::PortInfo port(unsigned i) { return sw.ports().at(i); }
};

}  // namespace

TEST_CASE("ATTR: DRING is 0x3 before version 1.2 and bit 0x4 from it; MTU is the smaller", "[vsw]") {
  Net n;
  n.a->link_up();
  REQUIRE(n.a->version(1, 0) == models::VIO_SUBTYPE_ACK);
  CHECK(n.a->attr(0x4, 1, kMacA, 1500) == models::VIO_SUBTYPE_NACK);
  uint64_t mtu = 0;
  CHECK(n.a->attr(0x3, 1, kMacA, 9000, &mtu) == models::VIO_SUBTYPE_ACK);
  CHECK(mtu == 1500);
  CHECK(n.port(0).mtu == 1500);
  CHECK(n.port(0).vnet_mac == kMacA);

  REQUIRE(n.a->version(1, 8) == models::VIO_SUBTYPE_ACK);   // a new session: 1.6 agreed
  CHECK(n.a->attr(0x3, 1, kMacA, 1500) == models::VIO_SUBTYPE_NACK);
  CHECK(n.a->attr(0x5, 2, kMacA, 1500) == models::VIO_SUBTYPE_NACK);                // not Ethernet
  CHECK(n.a->attr(0x4, 1, 0x01005e000001, 1500) == models::VIO_SUBTYPE_NACK);       // a group MAC
  CHECK(n.a->attr(0x4, 1, kMacA, 1000, &mtu) == models::VIO_SUBTYPE_ACK);
  CHECK(mtu == 1000);
  CHECK(n.port(0).stats.errors == 4);
  CHECK(n.port(0).last_error.find("ATTR refused: xfer_mode 0x4, addr_type 1, mtu 1500, mac 01:00:5e:00:00:01") == 0);
}

TEST_CASE("DRING_REG: one ring of each kind, room for a cookie, memory the switch can read", "[vsw]") {
  Net n;
  FakeVnet& a = *n.a;
  a.link_up();
  REQUIRE(a.version(1, 6) == models::VIO_SUBTYPE_ACK);
  REQUIRE(a.attr(0x4, 1, kMacA, 1500) == models::VIO_SUBTYPE_ACK);
  uint64_t txc = a.export_pages(0, a.tx_ring, 1, CR | CW);
  CHECK(a.dring_reg(models::VIO_TX_DRING, kNdesc, 16, txc, kNdesc * 16) == models::VIO_SUBTYPE_NACK);
  CHECK(a.dring_reg(models::VIO_TX_DRING | models::VIO_RX_DRING, kNdesc, kDescSize, txc, kNdesc * kDescSize) ==
        models::VIO_SUBTYPE_NACK);
  CHECK(a.dring_reg(models::VIO_TX_DRING, kNdesc, kDescSize, 9ull << 13, kNdesc * kDescSize) ==   // slot 9: not exported
        models::VIO_SUBTYPE_NACK);
  CHECK(n.port(0).last_error == "DRING_REG refused: its memory cannot be read (ENOACCESS)");
  uint64_t ident = 0;
  CHECK(a.dring_reg(models::VIO_TX_DRING, kNdesc, kDescSize, txc, kNdesc * kDescSize, &ident) == models::VIO_SUBTYPE_ACK);
  CHECK(ident != 0);
  CHECK(a.dring_reg(models::VIO_TX_DRING, kNdesc, kDescSize, txc, kNdesc * kDescSize) == models::VIO_SUBTYPE_NACK);
  CHECK(n.port(0).last_error == "DRING_REG refused: a second ring of that kind");
  CHECK(n.port(0).stats.errors == 4);
}

TEST_CASE("DRING_REG: a descriptor over a page, or a ring over kMaxRingDesc, is refused", "[vsw]") {
  Net n;
  FakeVnet& a = *n.a;
  a.link_up();
  REQUIRE(a.version(1, 6) == models::VIO_SUBTYPE_ACK);
  REQUIRE(a.attr(0x4, 1, kMacA, 1500) == models::VIO_SUBTYPE_ACK);
  uint64_t txc = a.export_pages(0, a.tx_ring, 1, CR | CW);
  // one 4 GB descriptor whose first bytes are readable: each frame would have made the switch
  // allocate 4 GB (found by tests/fuzz vio_services, corpus/vio_services/vsw-desc-size-4g.bin)
  CHECK(a.dring_reg(models::VIO_TX_DRING, 1, 0xfffffff8, txc, ~0ull) == models::VIO_SUBTYPE_NACK);
  CHECK(a.dring_reg(models::VIO_TX_DRING, 1, models::VioServer::kMaxDescSize + 8, txc, 1 << 20) ==
        models::VIO_SUBTYPE_NACK);
  CHECK(a.dring_reg(models::VIO_TX_DRING, models::VioServer::kMaxRingDesc + 1, 32, txc, 1 << 20) ==
        models::VIO_SUBTYPE_NACK);
  CHECK(a.dring_reg(models::VIO_TX_DRING, 1, models::VioServer::kMaxDescSize, txc, 8192) == models::VIO_SUBTYPE_ACK);
}

TEST_CASE("a frame from a's TX ring lands in b's RX ring, learned, acknowledged, counted", "[vsw]") {
  Net n;
  n.a->up();
  n.b->up();
  auto f1 = frame(kMacB, kMacA, 100, 0x5a);
  auto replies = n.a->transmit(0, f1, 0);
  REQUIRE(replies.size() == 1);   // the ACK: start 0, end 0, STOPPED
  CHECK(replies[0][1] == models::VIO_SUBTYPE_ACK);
  CHECK(get(&replies[0][16], 8) == n.a->tx_ident);
  CHECK(get(&replies[0][24], 4) == 0);
  CHECK(get(&replies[0][28], 4) == 0);
  CHECK(replies[0][32] == 2);
  CHECK(n.a->state(n.a->tx_ring, 0) == models::VIO_DESC_DONE);
  // b (unknown yet: flooded, b is the only other port): RX descriptor 0 DONE, the frame at +6
  CHECK(n.b->state(n.b->rx_ring, 0) == models::VIO_DESC_DONE);
  CHECK(n.b->nbytes(n.b->rx_ring, 0) == 100);
  CHECK(n.f.bytes(n.b->rx_buf + 6, 100, 1) == f1);
  auto info = n.b->packets();
  REQUIRE(info.size() == 1);
  CHECK(info[0][8 + 1] == models::VIO_SUBTYPE_INFO);
  CHECK(get(&info[0][8 + 16], 8) == n.b->rx_ident);
  CHECK(get(&info[0][8 + 24], 4) == 0);
  CHECK(n.sw.flooded() == 1);
  CHECK(*n.sw.mac_table().lookup(kMacA) == 0);

  // b answers: a is known, so it goes to a's port without flooding; two frames in one walk
  n.a->post_rx(0);
  auto f2 = frame(kMacA, kMacB, 60, 0x11), f3 = frame(kMacA, kMacB, 1514, 0x22);
  n.b->f.write(n.b->tx_buf + 6, f2.data(), f2.size(), 1);
  n.b->desc(n.b->tx_ring, 0, models::VIO_DESC_READY, 60, 1, n.b->tx_buf_cookie(0), 72);
  n.b->f.write(n.b->tx_buf + kBuf + 6, f3.data(), f3.size(), 1);
  n.b->desc(n.b->tx_ring, 1, models::VIO_DESC_READY, 1514, 1, n.b->tx_buf_cookie(1), 1520);
  replies = n.b->dring_data(n.b->tx_ident, 0);
  REQUIRE(replies.size() == 1);
  CHECK(get(&replies[0][28], 4) == 1);   // end: the last descriptor done
  CHECK(n.f.bytes(n.a->rx_buf + 6, 60, 0) == f2);
  CHECK(n.f.bytes(n.a->rx_buf + kBuf + 6, 1514, 0) == f3);
  CHECK(n.a->nbytes(n.a->rx_ring, 1) == 1514);
  CHECK(n.a->packets().size() == 2);   // one INFO per frame
  CHECK(n.sw.flooded() == 1);
  CHECK(n.sw.switched() == 3);
  auto pa = n.port(0), pb = n.port(1);
  CHECK((pa.stats.frames_in == 1 && pa.stats.bytes_in == 100 && pa.stats.frames_out == 2 && pa.stats.bytes_out == 1574));
  CHECK((pb.stats.frames_in == 2 && pb.stats.frames_out == 1 && pb.stats.flooded_out == 1));
  CHECK((pa.learned == 1 && pb.learned == 1 && pa.up && pb.up));
}

TEST_CASE("broken TX descriptors are NACKed and handed back; the walk goes on", "[vsw]") {
  Net n;
  n.a->up();
  n.b->up();
  FakeVnet& a = *n.a;
  auto good = frame(kMacB, kMacA, 64, 0x33);
  // 0: too short; 1: no cookies; 2: a cookie past the map table; 3: an unaligned cookie;
  // 4: a cookie of b's RX buffers... in a's table those slots are CW only (no read);
  // 5: a good frame
  a.desc(a.tx_ring, 0, models::VIO_DESC_READY, 10, 1, a.tx_buf_cookie(0), 16);
  a.desc(a.tx_ring, 1, models::VIO_DESC_READY, 64, 0, a.tx_buf_cookie(1), 72);
  a.desc(a.tx_ring, 2, models::VIO_DESC_READY, 64, 1, 100ull << 13, 72);
  a.desc(a.tx_ring, 3, models::VIO_DESC_READY, 64, 1, a.tx_buf_cookie(3) + 4, 72);
  a.desc(a.tx_ring, 4, models::VIO_DESC_READY, 64, 1, a.rx_buf_cookie(0), 72);
  n.f.write(a.tx_buf + 5 * kBuf + 6, good.data(), good.size(), 0);
  a.desc(a.tx_ring, 5, models::VIO_DESC_READY, 64, 1, a.tx_buf_cookie(5), 72);
  auto replies = a.dring_data(a.tx_ident, 0);
  REQUIRE(replies.size() == 6);   // five NACKs, then the ACK for 0..5
  for (uint32_t i = 0; i < 5; ++i) {
    CHECK(replies[i][1] == models::VIO_SUBTYPE_NACK);
    CHECK(get(&replies[i][24], 4) == i);
    CHECK(a.state(a.tx_ring, i) == models::VIO_DESC_DONE);
  }
  CHECK(replies[5][1] == models::VIO_SUBTYPE_ACK);
  CHECK(get(&replies[5][28], 4) == 5);
  CHECK(n.port(0).stats.errors == 5);
  CHECK(n.port(0).last_error == "TX descriptor 4: buffer at cookie 0x8000 (ENOACCESS)");
  CHECK(n.port(0).stats.frames_in == 1);
  CHECK(n.f.bytes(n.b->rx_buf + 6, 64, 1) == good);
  CHECK(n.port(1).stats.errors == 0);

  // DRING_DATA naming a ring that is not its TX ring, or a start past the ring: NACK
  replies = a.dring_data(a.rx_ident, 0);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0][1] == models::VIO_SUBTYPE_NACK);
  replies = a.dring_data(a.tx_ident, kNdesc);
  REQUIRE(replies.size() == 1);
  CHECK(replies[0][1] == models::VIO_SUBTYPE_NACK);
  CHECK(n.port(0).stats.errors == 7);
  // nothing READY at start: no answer, nothing counted
  CHECK(a.dring_data(a.tx_ident, 6).empty());
}

TEST_CASE("RX side: a full ring drops, a buffer too small drops, an unwritable one comes back empty", "[vsw]") {
  Net n;
  n.a->up();
  n.b->up();
  FakeVnet& a = *n.a;
  FakeVnet& b = *n.b;
  // b's RX descriptor 0 taken back by b (not READY): the frame is dropped, not queued
  b.desc(b.rx_ring, 0, models::VIO_DESC_FREE, 0, 1, b.rx_buf_cookie(0), kBuf);
  a.transmit(0, frame(kMacB, kMacA, 64, 1), 0);
  CHECK(n.port(1).stats.drops == 1);
  CHECK(n.port(1).stats.frames_out == 0);
  CHECK(b.packets().empty());
  // posted again, but with a 64-byte buffer: a 100-byte frame does not fit (dropped)
  b.desc(b.rx_ring, 0, models::VIO_DESC_READY, 0, 1, b.rx_buf_cookie(0), 64);
  a.transmit(1, frame(kMacB, kMacA, 100, 2), 1);
  CHECK(n.port(1).stats.drops == 2);
  CHECK(b.state(b.rx_ring, 0) == models::VIO_DESC_READY);
  // a buffer b exported without CW: handed back DONE with nbytes 0, an error on b's port
  b.desc(b.rx_ring, 0, models::VIO_DESC_READY, 0, 1, b.tx_buf_cookie(0), kBuf);
  a.transmit(2, frame(kMacB, kMacA, 64, 3), 2);
  CHECK(b.state(b.rx_ring, 0) == models::VIO_DESC_DONE);
  CHECK(b.nbytes(b.rx_ring, 0) == 0);
  CHECK(n.port(1).stats.errors == 1);
  CHECK(n.port(1).last_error == "RX descriptor 0: buffer at cookie 0x4000 (ENOACCESS)");
  CHECK(b.packets().size() == 1);   // the INFO still comes, so b takes the empty buffer back
  // the next frame goes into descriptor 1, whole
  auto f4 = frame(kMacB, kMacA, 64, 4);
  a.transmit(3, f4, 3);
  CHECK(b.nbytes(b.rx_ring, 1) == 64);
  CHECK(n.f.bytes(b.rx_buf + kBuf + 6, 64, 1) == f4);
  CHECK(n.port(1).stats.frames_out == 1);
  CHECK(n.port(0).stats.errors == 0);
}

TEST_CASE("a port that resets loses its session and its MACs; frames for it are not its drops", "[vsw]") {
  Net n;
  n.a->up();
  n.b->up();
  n.b->transmit(0, frame(kMacA, kMacB, 64, 7), 0);   // b learned
  REQUIRE(n.sw.mac_table().lookup(kMacB));
  // b reconfigures its RX queue (what a guest does on a link reset)
  REQUIRE(n.b->call(RX_QCONF, {n.b->ch, n.b->rxq, 128}).status == hv::HV_EOK);
  CHECK_FALSE(n.sw.mac_table().lookup(kMacB));
  CHECK_FALSE(n.port(1).up);
  n.a->transmit(0, frame(kMacB, kMacA, 64, 8), 0);
  CHECK(n.port(1).stats.not_up == 1);
  CHECK(n.port(1).stats.drops == 0);
}

// The spoofing policy (vsw.h): a port is tied to its vnet's MAC in the MD.
TEST_CASE("ATTR must announce the port's own MAC; another port's is refused", "[vsw]") {
  Net n;
  n.a->link_up();
  REQUIRE(n.a->version(1, 6) == models::VIO_SUBTYPE_ACK);
  CHECK(n.a->attr(0x4, 1, kMacB, 1500) == models::VIO_SUBTYPE_NACK);
  CHECK(n.port(0).last_error == "ATTR refused: mac 00:14:4f:f8:00:01 is not the port's 00:14:4f:f8:00:00");
  CHECK(n.a->attr(0x4, 1, 0x00144ff80077, 1500) == models::VIO_SUBTYPE_NACK);
  CHECK(n.port(0).vnet_mac == 0);
  CHECK(n.a->attr(0x4, 1, kMacA, 1500) == models::VIO_SUBTYPE_ACK);
  CHECK(n.port(0).vnet_mac == kMacA);
  CHECK(n.port(0).stats.errors == 2);
}

TEST_CASE("a frame from a source MAC not the port's own is dropped: not switched, not learned", "[vsw]") {
  Net n;
  n.a->up();
  n.b->up();
  // a claims b's address, then a made-up one, to b and to everyone
  auto r = n.a->transmit(0, frame(kMacB, kMacB, 64, 1), 0);
  REQUIRE(r.size() == 1);
  CHECK(r[0][1] == models::VIO_SUBTYPE_ACK);   // handed back DONE like any frame: no NACK, no error
  CHECK(n.a->state(n.a->tx_ring, 0) == models::VIO_DESC_DONE);
  n.a->transmit(1, frame(models::MacTable::kBroadcast, 0x00144ff80077, 64, 2), 1);
  CHECK(n.port(0).stats.spoofed == 2);
  CHECK(n.port(0).stats.frames_in == 0);
  CHECK(n.port(0).stats.errors == 0);
  CHECK(n.sw.switched() == 0);
  CHECK(n.sw.mac_table().size() == 0);
  CHECK(n.b->state(n.b->rx_ring, 0) == models::VIO_DESC_READY);   // b got nothing
  CHECK(n.port(1).stats.frames_out == 0);
  // its own address still goes through
  n.a->transmit(2, frame(kMacB, kMacA, 64, 3), 2);
  CHECK(n.port(0).stats.frames_in == 1);
  CHECK(n.port(1).stats.frames_out == 1);
  CHECK(*n.sw.mac_table().lookup(kMacA) == 0);
  CHECK_FALSE(n.sw.mac_table().lookup(kMacB));   // b's address was never learned on a
}

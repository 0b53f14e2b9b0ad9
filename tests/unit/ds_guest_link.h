// The guest's end of a Domain Services channel in unit tests: a RELIABLE LDC link written
// out packet by packet through the hypercalls (reference §4.2-§4.5), so a test can play the
// guest's OS against the manager's end (models/ds.h) or a host (ldm/hv_host.h).
#pragma once
#include <algorithm>
#include <array>
#include <vector>

#include "hv_fixture.h"

namespace hvtest {

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

}  // namespace hvtest

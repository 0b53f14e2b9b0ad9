// The virtual switch (vsw) of the service domain (reference §5.6): every vnet that connects
// to it is a port. A vnet sends frames through a TX descriptor ring it exports; the switch
// copies each frame in, learns the source MAC, and copies it out into the RX ring of the
// port that owns the destination MAC (flooding broadcast, multicast and unknown
// destinations to every other port). All copies go through the vnets' map tables
// (ldc_service_copy), so a vnet's export permissions hold for the switch too.
//
// Descriptor (both rings; desc_size >= 32, a multiple of 8; fields big-endian):
//   +0  u8  state   FREE 1, READY 2 (the owner's hand-over), DONE 4 (the switch is done)
//   +1  u8  ack     ignored: every TX INFO is answered
//   +8  u32 nbytes  frame length (TX: set by the vnet; RX: set by the switch, 0 = a frame
//                   was lost into this buffer because it could not be written)
//   +12 u32 ncookies  1 .. (desc_size - 16) / 16
//   +16 cookies     {u64 addr, u64 size}...: the buffer. The frame starts VNET_PACKET_SKIP
//                   (6) bytes into it and round_up(6 + nbytes, 8) bytes are copied, as the
//                   hypervisor's copy wants 8-byte multiples; the buffer must hold them.
// TX ring (DRING_REG options VIO_TX_DRING), the vnet produces: it fills a buffer, marks the
// descriptor READY and sends DATA/INFO/DRING_DATA{start}. The switch walks from start while
// descriptors are READY, marks each DONE and answers DATA/ACK/DRING_DATA{start, end = last
// done, state STOPPED}; a descriptor it could not use (bad cookie, buffer outside the
// vnet's memory, bad length) is also marked DONE and reported with a NACK{start = end = it}.
// RX ring (VIO_RX_DRING), the vnet posts empty buffers READY in ring order; the switch fills
// the next one, writes nbytes, marks it DONE and sends DATA/INFO/DRING_DATA{start = end = its
// index}. No READY buffer: the frame is dropped and counted. The vnet reposts buffers.
//
// Spoofing policy: as in LDoms, a port is tied to its vnet's MAC address. ATTR_INFO must
// announce the MAC the MD gives the vnet (local-mac-address), and only that address is
// learned on the port. A frame whose source MAC is any other is dropped and counted
// (`spoofed`): a guest can neither take over another domain's address nor fill the table.
// The table is bounded besides (MacTable::kDefaultCapacity).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "models/mac_table.h"
#include "models/pcap_writer.h"
#include "models/vio_server.h"

namespace vfsim::models {

constexpr unsigned kVnetPacketSkip = 6;
constexpr uint32_t kVswMtu = 1500;   // what the switch offers; ATTR's MTU is the smaller
constexpr uint32_t kEtherHeader = 14;

struct VswPortStats {
  uint64_t frames_in = 0, bytes_in = 0;     // good frames taken from the vnet's TX ring
  uint64_t frames_out = 0, bytes_out = 0;   // frames put into its RX ring
  uint64_t flooded_out = 0;                 // of those, how many came by flooding
  uint64_t drops = 0;                       // frames for it with no READY RX buffer (or too small)
  uint64_t errors = 0;                      // its mistakes: refused ATTR/ring, bad descriptors
  uint64_t not_up = 0;                      // frames for it before its session was ready
  uint64_t spoofed = 0;                     // frames it sent from a source MAC not its own: dropped
};

class VirtualSwitch : public VioServer {
 public:
  explicit VirtualSwitch(std::string name);
  const std::string& name() const { return name_; }
  // A guest's channel (connected with Hypervisor::connect_service) becomes a port; mac is
  // the local-mac-address its MD gives the vnet.
  unsigned add_port(const std::string& name, hv::Guest& g, uint64_t channel, uint64_t mac);
  // The port of that channel goes away (its MACs are forgotten; its slot is reused).
  void remove_port(hv::Guest& g, uint64_t channel);
  void forget(hv::Guest& g) override;   // the guest is destroyed: all its ports go
  // Write every switched frame to a pcap file: false when it cannot be created.
  bool capture(const std::string& path);

  struct PortInfo {
    std::string name;
    uint64_t mac = 0;          // assigned (MD)
    uint64_t vnet_mac = 0;     // announced in ATTR_INFO (0 before)
    uint32_t mtu = 0;          // agreed
    bool up = false;
    size_t learned = 0;        // MACs the table has on this port
    VswPortStats stats;
    std::string last_error;
  };
  std::vector<PortInfo> ports() const;
  const MacTable& mac_table() const { return macs_; }
  uint64_t switched() const { return switched_; }
  uint64_t flooded() const { return flooded_; }
  static std::string mac_string(uint64_t mac);

 protected:
  bool on_attr(VioSession& s, uint8_t msg[kVioMsgBytes]) override;
  void on_data(VioSession& s, std::vector<uint8_t>& msg) override;
  void on_ready(VioSession& s) override;
  void on_end(VioSession& s) override;
  bool ring_ok(VioSession& s, const VioRing& r) override;

 private:
  struct Port {
    std::string name;
    hv::Guest* guest = nullptr;
    uint64_t channel = 0, mac = 0, vnet_mac = 0;
    uint32_t mtu = 0;
    VioSession* session = nullptr;   // while ready
    uint64_t tx_ident = 0, rx_ident = 0;
    uint32_t rx_next = 0;            // the RX descriptor the next frame goes into
    uint64_t seq = 0;                // our DRING_DATA INFO sequence number
    VswPortStats stats;
    std::string last_error;
  };
  Port* port_of(VioSession& s);
  void error(Port& p, std::string what);
  void transmit(Port& p, VioSession& s, const VioRing& r, uint32_t start, uint64_t seq);
  uint64_t fetch_frame(VioSession& s, const VioRing& r, uint32_t index, uint32_t mtu, std::vector<uint8_t>& frame,
                       std::string& why);
  void forward(unsigned in, const std::vector<uint8_t>& frame, uint64_t ns);
  bool deliver(Port& p, const std::vector<uint8_t>& frame);
  void send_dring(VioSession& s, uint8_t stype, uint64_t seq, uint64_t ident, uint32_t start, uint32_t end);

  std::string name_;
  std::vector<Port> ports_;
  MacTable macs_;
  PcapWriter pcap_;
  uint64_t switched_ = 0, flooded_ = 0;
};

}  // namespace vfsim::models

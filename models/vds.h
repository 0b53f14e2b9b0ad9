// The virtual disk server of the service domain (vds, reference §5.5): each vdisk's channel
// is served from a disk image (DiskImage). After the VIO handshake the client (the guest's
// vdc) posts requests in its descriptor ring and sends DRING_DATA; the server reads each
// READY descriptor through the client's map table and, when the disk's time for it has
// passed (Hypervisor::ldc_at, then on_timer), moves the blocks between the image and the client's exported
// buffers, writes status and DONE back, and ACKs the range. A client
// mistake (a cookie it did not export, a bad block range, an unknown operation) fails that
// request with an errno in its status; the server and other clients go on.
//
// Descriptor (vdisk, after the 8-byte header): +8 u64 request id, +16 u8 operation, +17 u8
// slice, +20 u32 status, +24 u64 offset in blocks, +32 u64 bytes, +40 u32 #cookies,
// +48 cookies {u64 address, u64 size}.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include "models/vdisk_backend.h"
#include "models/vio_server.h"

namespace vfsim::state {
class Encoder;
class Decoder;
template <class T> class Description;
}

namespace vfsim::models {

enum : uint8_t {
  VD_OP_BREAD = 0x01, VD_OP_BWRITE = 0x02, VD_OP_FLUSH = 0x03, VD_OP_GET_WCE = 0x04, VD_OP_SET_WCE = 0x05,
  VD_OP_GET_VTOC = 0x06, VD_OP_GET_DISKGEOM = 0x08, VD_OP_GET_CAPACITY = 0x11,
};

class VirtualDiskServer : public VioServer {
 public:
  // Time the service takes [U: no published T2 Plus vds figures; a file image on one disk
  // behind the control domain]: a fixed cost per request plus the transfer at a bandwidth.
  struct Timing {
    double request_us = 60;
    double mb_per_s = 150;
  };
  static constexpr uint32_t kMaxXferBlocks = 256;   // 128 KB per request, as ATTR tells the client
  // Requests a vdisk keeps waiting for the disk [vfsim's bound]: a DRING_DATA that would queue
  // more is NACKed, so a client that re-posts faster than the disk works costs bounded memory.
  static constexpr size_t kMaxQueued = 4096;

  explicit VirtualDiskServer(std::string name)
      : VioServer(VDEV_DISK_SERVER, VDEV_DISK, {{1, 1}, {1, 0}}), name_(std::move(name)) {
    label_ = "vds";
  }
  const std::string& name() const { return name_; }
  Timing timing;

  // The vdisk on guest g's channel is served from image (bind); detach (or the guest's
  // destruction) forgets the guest.
  void attach(hv::Guest& g, uint64_t channel, std::shared_ptr<DiskImage> image);
  void detach(hv::Guest& g);
  void detach(hv::Guest& g, uint64_t channel) { disks_.erase({&g, channel}); }

  struct Stats {
    uint64_t reads = 0, writes = 0, flushes = 0, other = 0, bytes_read = 0, bytes_written = 0, errors = 0;
  };
  Stats stats(hv::Guest& g, uint64_t channel) const;
  // The disk model of each attached vdisk (busy time, counters) by domain and channel, for
  // snapshots: a disk still busy at the save is still busy in the restored host.
  void save_state(state::Encoder& e) const;
  void load_state(state::Decoder& d, hv::Hypervisor& hv);

 protected:
  bool on_attr(VioSession& s, uint8_t msg[kVioMsgBytes]) override;
  void on_data(VioSession& s, std::vector<uint8_t>& msg) override;
  bool ring_ok(VioSession& s, const VioRing& r) override;
  void forget(hv::Guest& g) override {
    VioServer::forget(g);
    detach(g);
  }
  // A request's time on the disk has passed (scheduled by on_data with Hypervisor::ldc_at).
  void on_timer(hv::Hypervisor& hv, hv::Guest& g, hv::LdcEndpoint& ep, const hv::TimerArgs& args) override;

 private:
  // The disk model's state, plain data (a snapshot can hold it).
  struct DiskState {
    Stats stats;
    uint64_t busy_until = 0;   // core cycle the previous request finishes
  };
  struct Disk {
    std::shared_ptr<DiskImage> image;
    DiskState state;
  };
  static const state::Description<DiskState>& disk_state();
  // A request the disk completes later, as the timer's integers: the descriptor (ring ident,
  // index), its time on the disk, and for the last of a DRING_DATA range the ACK's fields.
  struct RequestDone {
    uint64_t ident = 0, took = 0, seq = 0;
    uint32_t index = 0, start = 0, end = 0;
    uint8_t state = 0;
    bool last = false;
    hv::TimerArgs pack() const {
      return {ident, uint64_t(index) | uint64_t(last) << 32 | uint64_t(state) << 40, took, seq,
              uint64_t(start) | uint64_t(end) << 32, 0};
    }
    static RequestDone unpack(const hv::TimerArgs& a) {
      RequestDone r;
      r.ident = a[0];
      r.index = uint32_t(a[1]);
      r.last = (a[1] >> 32) & 1;
      r.state = uint8_t(a[1] >> 40);
      r.took = a[2];
      r.seq = a[3];
      r.start = uint32_t(a[4]);
      r.end = uint32_t(a[4] >> 32);
      return r;
    }
  };
  // One request: its errno status (0 ok) and the bytes it moved.
  uint32_t execute(VioSession& s, Disk& d, const uint8_t* desc, uint64_t& moved);
  uint32_t copy_cookies(VioSession& s, const uint8_t* desc, bool to_guest, uint8_t* buf, uint64_t n);
  // flow: the trace flow its slice ends (0: none). Returns the flow that goes on to the next
  // request or the ACK: the one the slice began, or flow itself when no slice was drawn.
  uint64_t complete(hv::Guest* g, uint64_t channel, uint64_t ident, uint32_t index, uint64_t took, double hz,
                    uint64_t flow);
  Disk* disk(VioSession& s);
  // The vio "requests" counter of a vdisk: its requests waiting for the disk.
  void trace_outstanding(VioSession& s);
  std::string name_;
  std::map<std::pair<hv::Guest*, uint64_t>, Disk> disks_;
  // Tracing only, not state: the open flow of each DRING_DATA range being served (from its INFO,
  // then from each request's slice to the next, the last to the ACK), by domain, channel, ring
  // and the INFO's seq.
  std::map<std::tuple<hv::Guest*, uint64_t, uint64_t, uint64_t>, uint64_t> flows_;
};

}  // namespace vfsim::models

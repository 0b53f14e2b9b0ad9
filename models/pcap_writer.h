// A classic pcap capture file (the libpcap format tshark and tcpdump read) of Ethernet
// frames, stamped with simulated time. The nanosecond-resolution variant (magic a1b23c4d) is
// used because simulated round trips are a few microseconds. Every record is flushed, so
// the file can be read while the simulation still runs.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>

namespace vfsim::models {

class PcapWriter {
 public:
  PcapWriter() = default;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;
  ~PcapWriter();
  // Creates (truncates) the file and writes its header: false when it cannot be written.
  bool open(const std::string& path);
  bool is_open() const { return f_ != nullptr; }
  // One frame seen at `ns` nanoseconds of simulated time.
  void write(uint64_t ns, const uint8_t* frame, uint32_t len);
  uint64_t frames() const { return frames_; }

 private:
  std::FILE* f_ = nullptr;
  uint64_t frames_ = 0;
};

}  // namespace vfsim::models

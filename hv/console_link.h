// The service domain's end of a guest's console (the vcc, models/vcc.h). When a guest has
// one, the hypervisor sends what the guest writes with cons_putchar / cons_write as RAW
// 64-byte console packets (reference §4.7: +0 u8 type, 1 CONTROL or 2 DATA; +1 u8 size; +4
// u32 control, -1 BREAK, -2 HUP; +8 up to 56 characters), and the vcc sends typed input
// back the same way (Hypervisor::console_packet). Without one, the output stays in
// Guest::console (vfsim-hv, unit tests).
#pragma once
#include <cstdint>

namespace vfsim::hv {

class Hypervisor;
struct Guest;

enum : uint8_t { CONS_PKT_CONTROL = 1, CONS_PKT_DATA = 2 };
constexpr unsigned kConsPayload = 56;

struct ConsoleLink {
  virtual ~ConsoleLink() = default;
  virtual void from_guest(Hypervisor& hv, Guest& g, const uint8_t pkt[64]) = 0;
};

}  // namespace vfsim::hv

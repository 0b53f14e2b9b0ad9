// Virtual I/O on LDC (reference §5): the message tag, control message numbers, device
// classes and descriptor states shared by the service domain's servers (vds, vsw). Fields
// are big-endian in guest memory and on the wire.
#pragma once
#include <cstdint>

#include "sim/state/codec.h"

namespace vfsim::models {

enum : uint8_t { VIO_TYPE_CTRL = 0x01, VIO_TYPE_DATA = 0x02, VIO_TYPE_ERR = 0x04 };
enum : uint8_t { VIO_SUBTYPE_INFO = 0x01, VIO_SUBTYPE_ACK = 0x02, VIO_SUBTYPE_NACK = 0x04 };
enum : uint16_t {
  VIO_VER_INFO = 0x0001, VIO_ATTR_INFO = 0x0002, VIO_DRING_REG = 0x0003, VIO_DRING_UNREG = 0x0004,
  VIO_RDX = 0x0005, VIO_PKT_DATA = 0x0040, VIO_DESC_DATA = 0x0041, VIO_DRING_DATA = 0x0042,
};
enum : uint8_t { VDEV_NETWORK = 0x01, VDEV_NETWORK_SWITCH = 0x02, VDEV_DISK = 0x03, VDEV_DISK_SERVER = 0x04 };
enum : uint8_t { VIO_DESC_FREE = 0x1, VIO_DESC_READY = 0x2, VIO_DESC_ACCEPTED = 0x3, VIO_DESC_DONE = 0x4 };
enum : uint16_t { VIO_TX_DRING = 0x1, VIO_RX_DRING = 0x2 };
constexpr unsigned kVioMsgBytes = 56;

using state::get_be;
using state::put_be;

}  // namespace vfsim::models

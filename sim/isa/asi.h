// Address space identifiers that user code (and later the hypervisor) can name.
#pragma once
#include <cstdint>

namespace vfsim::isa {

enum : uint8_t {
  ASI_NUCLEUS = 0x04, ASI_NUCLEUS_LITTLE = 0x0c,
  // sun4v real-address I/O (Linux sparc64 asi.h: 0x15/0x1d "PADDR, E-bit"; illumos: ASI_REAL_IO).
  ASI_REAL_IO = 0x15, ASI_REAL_IO_LITTLE = 0x1d,
  ASI_AIUP = 0x10, ASI_AIUS = 0x11, ASI_AIUP_LITTLE = 0x18, ASI_AIUS_LITTLE = 0x19,
  ASI_TWINX_AIUP = 0x22, ASI_TWINX_AIUS = 0x23, ASI_TWINX_AIUP_L = 0x2a, ASI_TWINX_AIUS_L = 0x2b,
  ASI_TWINX_N = 0x27, ASI_TWINX_NL = 0x2f,
  ASI_PRIMARY = 0x80, ASI_SECONDARY = 0x81, ASI_PRIMARY_NOFAULT = 0x82, ASI_SECONDARY_NOFAULT = 0x83,
  ASI_PRIMARY_LITTLE = 0x88, ASI_SECONDARY_LITTLE = 0x89,
  ASI_PRIMARY_NOFAULT_LITTLE = 0x8a, ASI_SECONDARY_NOFAULT_LITTLE = 0x8b,
  ASI_PST8_P = 0xc0, ASI_PST8_S = 0xc1, ASI_PST16_P = 0xc2, ASI_PST16_S = 0xc3,
  ASI_PST32_P = 0xc4, ASI_PST32_S = 0xc5,
  ASI_PST8_PL = 0xc8, ASI_PST8_SL = 0xc9, ASI_PST16_PL = 0xca, ASI_PST16_SL = 0xcb,
  ASI_PST32_PL = 0xcc, ASI_PST32_SL = 0xcd,
  ASI_FL8_P = 0xd0, ASI_FL8_S = 0xd1, ASI_FL16_P = 0xd2, ASI_FL16_S = 0xd3,
  ASI_FL8_PL = 0xd8, ASI_FL8_SL = 0xd9, ASI_FL16_PL = 0xda, ASI_FL16_SL = 0xdb,
  ASI_BLK_COMMIT_P = 0xe0, ASI_BLK_COMMIT_S = 0xe1,
  // T2: twin-extended loads, and block-initialising stores on the same ASIs.
  ASI_TWINX_P = 0xe2, ASI_TWINX_S = 0xe3, ASI_TWINX_PL = 0xea, ASI_TWINX_SL = 0xeb,
  ASI_BLK_P = 0xf0, ASI_BLK_S = 0xf1, ASI_BLK_PL = 0xf8, ASI_BLK_SL = 0xf9,
};

// ASIs that reach ordinary memory (or device space) through the primary/secondary/nucleus context.
inline bool asi_is_memory(uint8_t asi) {
  switch (asi) {
    case ASI_NUCLEUS: case ASI_NUCLEUS_LITTLE:
    case ASI_PRIMARY: case ASI_SECONDARY: case ASI_PRIMARY_NOFAULT: case ASI_SECONDARY_NOFAULT:
    case ASI_PRIMARY_LITTLE: case ASI_SECONDARY_LITTLE:
    case ASI_PRIMARY_NOFAULT_LITTLE: case ASI_SECONDARY_NOFAULT_LITTLE:
    case ASI_TWINX_P: case ASI_TWINX_S: case ASI_TWINX_PL: case ASI_TWINX_SL:
      return true;
    default:
      return false;
  }
}
inline bool asi_is_little(uint8_t asi) {
  switch (asi) {
    case ASI_NUCLEUS_LITTLE: case ASI_REAL_IO_LITTLE: case ASI_AIUP_LITTLE: case ASI_AIUS_LITTLE:
    case ASI_TWINX_AIUP_L: case ASI_TWINX_AIUS_L: case ASI_TWINX_NL:
    case ASI_PRIMARY_LITTLE: case ASI_SECONDARY_LITTLE:
    case ASI_PRIMARY_NOFAULT_LITTLE: case ASI_SECONDARY_NOFAULT_LITTLE:
    case ASI_PST8_PL: case ASI_PST8_SL: case ASI_PST16_PL: case ASI_PST16_SL:
    case ASI_PST32_PL: case ASI_PST32_SL:
    case ASI_FL8_PL: case ASI_FL8_SL: case ASI_FL16_PL: case ASI_FL16_SL:
    case ASI_TWINX_PL: case ASI_TWINX_SL: case ASI_BLK_PL: case ASI_BLK_SL:
      return true;
    default:
      return false;
  }
}
inline bool asi_is_nofault(uint8_t asi) {
  return asi == ASI_PRIMARY_NOFAULT || asi == ASI_SECONDARY_NOFAULT ||
         asi == ASI_PRIMARY_NOFAULT_LITTLE || asi == ASI_SECONDARY_NOFAULT_LITTLE;
}
// Primary-context ASIs may share the strand's SoftTlb entries (one context per SoftTlb).
inline bool asi_is_primary_like(uint8_t asi) {
  return asi == ASI_PRIMARY || asi == ASI_PRIMARY_LITTLE || asi == ASI_PRIMARY_NOFAULT ||
         asi == ASI_PRIMARY_NOFAULT_LITTLE || asi == ASI_TWINX_P || asi == ASI_TWINX_PL;
}
inline bool asi_is_real_io(uint8_t asi) { return asi == ASI_REAL_IO || asi == ASI_REAL_IO_LITTLE; }
// ASIs below 0x80 are restricted: user code gets privileged_action.
inline bool asi_is_restricted(uint8_t asi) { return asi < 0x80; }


}  // namespace vfsim::isa

// What a guest sees of one PCIe root complex (a T2/T2 Plus "PIU"): its devhandle, the real-
// address windows its MD gives for I/O, 32- and 64-bit memory, the DVMA window of its IOMMU,
// its MSI resources and its devinos. Plain numbers, shared by the root complex model
// (pcie_root_complex.h), the guest MD (guest_md.cpp) and the guest runtime (firmware/pci.c
// reads them from the MD). Sources: docs/pcie.md "Facts" (OpenSPARC hypervisor piu.h,
// Linux pci_sun4v.c, the OpenSPARC MD sources); [U] marks a value no public T2 Plus source
// gives, kept as a named parameter.
#pragma once
#include <cstdint>
#include <string>

namespace vfsim::hv::pcie {

// IOMMU (IOTSB0 of the PIU): 8 KB pages, 256K entries, DVMA 0x8000_0000 .. 0xffff_ffff.
constexpr uint64_t kIoPageShift = 13, kIoPageSize = 1ull << kIoPageShift;
constexpr uint64_t kDvmaBase = 0x80000000ull, kDvmaSize = 0x80000000ull;
constexpr uint64_t kTsbEntries = kDvmaSize / kIoPageSize;   // 262144
constexpr uint64_t kIommuMapMax = 64;                       // entries per pci_iommu_map call
// MSI event queues and MSIs
constexpr unsigned kMsiEqs = 36, kMsiEqRecords = 128, kMsiRecordBytes = 64, kMsis = 256;
constexpr uint64_t kMsiEqBytes = kMsiEqRecords * kMsiRecordBytes;   // 8 KB
constexpr uint64_t kMsiDataMask = 0xff;
constexpr uint64_t kMsi32Addr = 0x7fff0000ull, kMsi64Addr = 0x3ffff0000ull, kMsiWindow = 0x10000;
// Devinos: INTA..INTD 20..23, event queue n is 24 + n, DMU and PEU internal errors 62, 63.
constexpr unsigned kIntxDevino = 20, kEqDevino = 24, kDmuDevino = 62, kPeuDevino = 63;
// MSG types a root complex routes to an event queue (PME, PME_ACK, ERR_COR, NONFATAL, FATAL)
constexpr uint64_t kMsgTypes[5] = {0x18, 0x1b, 0x30, 0x31, 0x33};

// Where the config space's devices sit: a root port on the first bus of bus-ranges, the
// endpoint on the bus behind it (device 0, function 0) [U: T2 OBP trees show pci@0 there].
constexpr unsigned kFirstBus = 2, kLastBus = 0xff;
constexpr unsigned kRootPortBus = 2, kEndpointBus = 3;

// Real-address windows of root complex n (0 for pci@400, 1 for pci@500 ...): the T2 MD's
// values for the first, then one 32 GB region per root complex [U: T2 Plus layout].
constexpr uint64_t kRegionBase = 0xc800000000ull, kRegionStride = 0x800000000ull;
struct Windows {
  uint64_t io_ra, io_size, mem32_ra, mem32_size, mem64_ra, mem64_size;
};
constexpr Windows windows(unsigned n) {
  uint64_t r = kRegionBase + n * kRegionStride;
  return {r + 0x10000000ull, 0x10000000ull, r + 0x200000000ull, 0x7fff0000ull, r + 0x400000000ull, 0x3ffff0000ull};
}
// devhandle of "pci@400" is 0x400 (the MD's cfg-handle, the unit address); 0 for a bad name.
inline uint64_t devhandle_of(const std::string& bus) {
  size_t at = bus.find('@');
  if (at == std::string::npos || at + 1 >= bus.size()) return 0;
  try { return std::stoull(bus.substr(at + 1), nullptr, 16); } catch (...) { return 0; }
}

}  // namespace vfsim::hv::pcie

#pragma once
#include <cstdint>
#include <string>
namespace vfsim::user {
// Name of a sparc64 Linux system call (from the cross toolchain's asm/unistd_64.h).
std::string syscall_name(uint64_t nr);
}

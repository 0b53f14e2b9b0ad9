// sun4v machine descriptions (FWARC/2005/115): the binary format the hypervisor hands each
// guest (mach_desc) and ldmd builds from a domain's resources. A decoded MD is a list of
// nodes in element order; properties keep their kind; arcs name their target by node number.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace vfsim::hv::md {

enum class Kind : uint8_t { Arc = 'a', Value = 'v', String = 's', Data = 'd' };

struct Property {
  std::string name;
  Kind kind = Kind::Value;
  uint64_t value = 0;             // Value; for Arc the target node's index in nodes
  std::string str;                // String (without the NUL)
  std::vector<uint8_t> data;      // Data
};

struct Node {
  std::string type;               // "root", "cpu", "mblock", ...
  std::vector<Property> props;
  const Property* find(const std::string& name) const;
};

struct MachineDescription {
  std::vector<Node> nodes;
  // Layout facts of a decoded binary, kept so re-encoding gives the same bytes.
  uint32_t data_align = 8;        // mdgen aligns data to 8 bytes (OpenBSD: 16)
  bool pad_data_block = false;    // mdgen leaves the data block unpadded

  int find_node(const std::string& type, int from = 0) const;   // -1 if none
};

// Errors name the byte offset of the problem: "offset 0x40: arc to element 99 ...".
struct MdError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

MachineDescription decode(const std::vector<uint8_t>& bytes);
std::vector<uint8_t> encode(const MachineDescription& md);
// Readable text: header, then each node with its properties and resolved arcs.
std::string to_text(const MachineDescription& md, const std::vector<uint8_t>* bytes = nullptr);

}  // namespace vfsim::hv::md

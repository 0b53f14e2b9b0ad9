// The manager's configuration on disk (JSON): written to a temporary file, flushed to disk
// and renamed over the old one, so a crash mid-write leaves the previous version intact.
#pragma once
#include <stdexcept>
#include <string>

#include "ldm/model.h"

namespace vfsim::ldm {

struct StateError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void write_state_atomically(const std::string& path, const Model& m);
void read_state(const std::string& path, Model& m);   // throws StateError naming the file

}  // namespace vfsim::ldm

namespace vfsim::ldm {
// The model as the state file's JSON text, and back (snapshots carry it); throws StateError
// naming source.
std::string model_to_json(const Model& m);
Model model_from_json(const std::string& text, const std::string& source);
}  // namespace vfsim::ldm

// The layout picture: a Graphviz graph of the layout document (clusters: socket > core >
// strands and crypto unit, memory, buses; the domains with their services and devices, and
// the virtual I/O links between them), laid out by dot and rendered by Graphviz's plugins.
// Linked into vfctl only: ldmd sends the document, the client draws it.
#pragma once
#include <string>

#include "ldm/layout_doc.h"

namespace vfsim::ldm::layout {

// Writes the picture of d to `file` as `format` ("svg" or "png"), atomically (a temporary
// file beside it, then rename). Returns "" or why not (nothing is written then).
std::string render(const Document& d, const std::string& format, const std::string& file);

}  // namespace vfsim::ldm::layout

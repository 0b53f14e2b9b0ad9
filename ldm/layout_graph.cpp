// The layout document drawn with Graphviz's C library (libcgraph builds the graph, libgvc
// lays it out with dot and renders through its plugins: core for SVG, cairo for PNG).
#include "ldm/layout_graph.h"

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <set>

#include <fmt/format.h>

#include "ldm/units.h"

namespace vfsim::ldm::layout {

namespace {

constexpr const char* kFree = "#e3e3e3";   // nobody's
constexpr const char* kSys = "#9e9e9e";    // the hypervisor's memory

// cgraph's API takes char* it does not change.
char* c(const std::string& s) { return const_cast<char*>(s.c_str()); }
void set(void* obj, const std::string& k, const std::string& v) { agsafeset(obj, c(k), c(v), c(std::string())); }

struct Graph {
  Agraph_t* root;
  std::map<std::string, std::string> colors;   // domain -> fill
  // The bottom of the chips: memory, domains and legend are drawn under it (dot puts a node
  // without predecessors on the first rank, beside the strands).
  Agnode_t* below = nullptr;
  void under(Agnode_t* n) {
    if (below && below != n) hidden(below, n);
  }

  std::string color(const std::string& domain) const {
    if (domain.empty()) return kFree;
    if (domain == "_sys_") return kSys;
    auto it = colors.find(domain);
    return it == colors.end() ? kFree : it->second;
  }
  Agraph_t* cluster(Agraph_t* parent, const std::string& id, const std::string& label) {
    Agraph_t* g = agsubg(parent, c("cluster_" + id), 1);
    set(g, "label", label);
    return g;
  }
  Agnode_t* node(Agraph_t* g, const std::string& id, const std::string& label, const std::string& fill) {
    Agnode_t* n = agnode(g, c(id), 1);
    set(n, "label", label);
    set(n, "fillcolor", fill);
    return n;
  }
  Agedge_t* edge(Agnode_t* t, Agnode_t* h, const std::string& label = "") {
    Agedge_t* e = agedge(root, t, h, nullptr, 1);
    if (!label.empty()) set(e, "label", label);
    return e;
  }
  void hidden(Agnode_t* t, Agnode_t* h) { set(edge(t, h), "style", "invis"); }
};

std::string owner_text(const std::string& domain) {
  return domain.empty() ? "free" : domain == "_sys_" ? "hypervisor" : domain;
}

// Graphviz escapes: a label's backslash starts one (\n, \l, \N ...).
std::string text(std::string s) {
  std::string out;
  for (char ch : s) out += ch == '\\' ? std::string("\\\\") : std::string(1, ch);
  return out;
}

void build(Graph& G, const Document& d) {
  Agraph_t* root = G.root;
  set(root, "label", text(d.plan ? fmt::format("Plan {} for host {} ({})", d.plan_source, d.host, d.platform)
                                 : fmt::format("Host {} ({})", d.host, d.platform)));
  set(root, "labelloc", "t");
  set(root, "fontsize", "20");
  set(root, "fontname", "Helvetica");
  set(root, "newrank", "true");
  set(root, "nodesep", "0.08");
  set(root, "ranksep", "0.25");
  agattr(root, AGNODE, c("shape"), c("box"));
  agattr(root, AGNODE, c("style"), c("filled"));
  agattr(root, AGNODE, c("fontname"), c("Helvetica"));
  agattr(root, AGNODE, c("fontsize"), c("10"));
  agattr(root, AGEDGE, c("fontname"), c("Helvetica"));
  agattr(root, AGEDGE, c("fontsize"), c("9"));
  for (const Domain& x : d.domains) G.colors[x.name] = x.color;

  // The chips: per socket, its cores in rows of four, each core's strands in rows of four
  // above its crypto unit; then the socket's buses and the memory homed there.
  for (const Socket& s : d.sockets) {
    Agraph_t* sg = G.cluster(root, fmt::format("socket{}", s.id), fmt::format("socket {}", s.id));
    set(sg, "style", "rounded");
    set(sg, "fontsize", "14");
    std::vector<Agnode_t*> core_top(s.cores.size()), core_bottom(s.cores.size());
    // (dot places the clusters of a row right to left in the order they are made)
    std::vector<size_t> order;
    for (size_t row = 0; row < s.cores.size(); row += 4)
      for (size_t i = std::min(s.cores.size(), row + 4); i-- > row;) order.push_back(i);
    for (size_t k : order) {
      const Core& core = s.cores[k];
      Agraph_t* cg = G.cluster(sg, fmt::format("core{}", core.id), fmt::format("core {}", core.id));
      set(cg, "fontsize", "9");
      std::vector<Agnode_t*> st;
      for (const Strand& t : core.strands) {
        Agnode_t* n = G.node(cg, fmt::format("strand{}", t.id), std::to_string(t.id), G.color(t.domain));
        set(n, "tooltip", text(fmt::format("strand {}: {}", t.id, owner_text(t.domain))));
        set(n, "width", "0.3");
        set(n, "height", "0.22");
        set(n, "margin", "0.02");
        set(n, "fontsize", "8");
        st.push_back(n);
      }
      // Rows of four, in order: a row is one rank, and flat edges order it left to right.
      for (size_t row = 0; row < st.size(); row += 4) {
        Agraph_t* r = agsubg(cg, c(fmt::format("core{}_row{}", core.id, row / 4)), 1);
        set(r, "rank", "same");
        for (size_t i = row; i < std::min(st.size(), row + 4); ++i) {
          agsubnode(r, st[i], 1);
          if (i > row) G.hidden(st[i - 1], st[i]);
        }
      }
      for (size_t i = 0; i + 4 < st.size(); ++i) G.hidden(st[i], st[i + 4]);
      Agnode_t* bottom = st.empty() ? nullptr : st.back();
      if (core.crypto) {
        Agnode_t* u = G.node(cg, fmt::format("crypto{}", core.id), "MAU+CWQ", G.color(core.crypto_domain));
        set(u, "shape", "octagon");
        set(u, "fontsize", "7");
        set(u, "height", "0.2");
        set(u, "margin", "0.01");
        set(u, "tooltip", text(fmt::format("crypto unit of core {}: {}", core.id, owner_text(core.crypto_domain))));
        if (!st.empty()) G.hidden(st[st.size() > 4 ? st.size() - 4 : 0], u);
        bottom = u;
      }
      core_top[k] = st.empty() ? bottom : st.front();
      core_bottom[k] = bottom;
    }
    for (size_t i = 0; i + 4 < core_top.size(); ++i)
      if (core_bottom[i] && core_top[i + 4]) G.hidden(core_bottom[i], core_top[i + 4]);
    Agnode_t* last = core_bottom.empty() ? nullptr : core_bottom.back();
    for (const Bus& b : d.buses) {
      if (b.socket != s.id) continue;
      Agnode_t* n = G.node(sg, "bus_" + b.name, text(fmt::format("{}\n{}", b.name, owner_text(b.domain))), G.color(b.domain));
      set(n, "shape", "cds");
      if (last) G.hidden(last, n);
      if (!G.below) G.below = n;
    }
    if (!G.below) G.below = last;
  }

  // Memory: a range homed on one socket sits in that socket's memory; one spread over several
  // (the interleave) in the shared memory cluster.
  Agraph_t* shared = nullptr;
  std::map<unsigned, Agraph_t*> homed;
  for (size_t i = 0; i < d.memory.size(); ++i) {
    const Memory& m = d.memory[i];
    std::vector<unsigned> on;
    for (unsigned s = 0; s < m.socket_bytes.size(); ++s)
      if (m.socket_bytes[s]) on.push_back(s);
    Agraph_t* where;
    if (on.size() == 1 && d.sockets.size() > 1) {
      Agraph_t*& h = homed[on[0]];
      if (!h) {
        h = G.cluster(agsubg(root, c(fmt::format("cluster_socket{}", on[0])), 1), fmt::format("mem{}", on[0]),
                      fmt::format("memory homed on socket {}", on[0]));
        set(h, "fontsize", "9");
      }
      where = h;
    } else {
      if (!shared) {
        shared = G.cluster(root, "memory", d.sockets.size() > 1 ? "memory (interleaved over the sockets)" : "memory");
        set(shared, "style", "rounded");
      }
      where = shared;
    }
    std::string split;
    if (on.size() > 1)
      for (unsigned s : on) split += fmt::format("\nsocket {}: {}", s, size_text(m.socket_bytes[s]));
    Agnode_t* n = G.node(where, fmt::format("mem{}", i),
                         text(fmt::format("{}\nPA {:#x} {}{}", owner_text(m.domain), m.pa, size_text(m.size), split)),
                         G.color(m.domain));
    set(n, "shape", "folder");
    if (where == shared) G.under(n);
  }

  // The domains: each a cluster with its summary, its services and the devices of its links.
  Agraph_t* doms = G.cluster(root, "domains", "domains and virtual I/O");
  set(doms, "style", "rounded");
  std::map<std::string, Agraph_t*> dom_graph;
  for (size_t i = 0; i < d.domains.size(); ++i) {
    const Domain& x = d.domains[i];
    Agraph_t* g = G.cluster(doms, fmt::format("dom{}", i), text(x.name));
    set(g, "style", "filled");
    set(g, "fillcolor", x.color);
    set(g, "fontsize", "13");
    dom_graph[x.name] = g;
    std::string info = fmt::format("{}{}\n{} strands ({})\n{}", x.name, x.control ? " (control)" : "", x.strands.size(),
                                   ranges(x.strands), x.memory ? format_size(x.memory) + " memory" : "no memory");
    info += "\n" + x.state;
    if (!x.crypto_cores.empty()) info += "\ncrypto: core " + ranges(x.crypto_cores);
    for (const std::string& b : x.buses) info += "\n" + b;
    Agnode_t* n = G.node(g, fmt::format("dom{}", i), text(info), "white");
    set(n, "shape", "note");
    G.under(n);
    for (const Service& s : x.services) {
      Agnode_t* v = G.node(g, fmt::format("svc_{}_{}", s.kind, s.name), text(fmt::format("{}\n{}", s.kind, s.name)), "white");
      set(v, "shape", "component");
      G.under(v);
    }
  }
  // Devices and links. A service the model no longer has (or the control domain's ds) gets
  // its node where the link says it is.
  for (size_t i = 0; i < d.links.size(); ++i) {
    const Link& l = d.links[i];
    auto client = dom_graph.find(l.client);
    auto server = dom_graph.find(l.service_domain);
    if (client == dom_graph.end() || server == dom_graph.end()) continue;
    Agnode_t* dev = G.node(client->second, fmt::format("dev_{}_{}_{}", l.client, l.kind, l.device), text(fmt::format("{}\n{}", l.kind, l.device)), "white");
    set(dev, "shape", "ellipse");
    G.under(dev);
    std::string kind = l.kind == "vdisk" ? "vds" : l.kind == "vnet" ? "vsw" : l.kind == "vcons" ? "vcc"
                       : l.kind == "vdpcc" ? "vdpcs" : l.kind;
    Agnode_t* svc = agnode(root, c(fmt::format("svc_{}_{}", kind, l.service)), 0);
    if (!svc) {
      svc = G.node(server->second, fmt::format("svc_{}_{}", kind, l.service),
                   text(fmt::format("{}\n{}", kind, l.service == "ds" ? "ldmd" : l.service)), "white");
      set(svc, "shape", "component");
    }
    std::string label = l.channel >= 0 ? fmt::format("ldc {}", l.channel) : l.detail;
    Agedge_t* e = G.edge(dev, svc, text(label));
    set(e, "minlen", "2");   // (room for the labels of the links that meet at a service)
    if (l.channel < 0 && l.kind != "vcons") set(e, "style", "dashed");   // no channel: not bound (or a plan)
  }

  // The legend: each domain's colour, free and the hypervisor's.
  Agraph_t* legend = G.cluster(root, "legend", "legend");
  Agraph_t* row = agsubg(legend, c("legend_row"), 1);   // one row, in the domains' order
  set(row, "rank", "same");
  Agnode_t* prev = nullptr;
  auto key = [&](const std::string& id, const std::string& label, const std::string& fill) {
    Agnode_t* n = G.node(row, id, text(label), fill);
    if (prev) G.hidden(prev, n);
    G.under(n);
    prev = n;
  };
  for (size_t i = 0; i < d.domains.size(); ++i) key(fmt::format("legend{}", i), d.domains[i].name, d.domains[i].color);
  key("legend_free", "free", kFree);
  key("legend_sys", "hypervisor", kSys);
}

}  // namespace

std::string render(const Document& d, const std::string& format, const std::string& file) {
  if (format != "svg" && format != "png") return fmt::format("cannot draw {}: svg or png", format);
  agseterr(AGERR);   // Graphviz's warnings (fonts, layout) are not the user's business
  std::unique_ptr<GVC_t, int (*)(GVC_t*)> gvc(gvContext(), gvFreeContext);
  // A missing plugin (cairo for PNG) is refused before anything is written.
  int n = 0;
  char** list = gvPluginList(gvc.get(), "device", &n, nullptr);
  bool have = false;
  for (int i = 0; i < n; ++i) {
    std::string p = list[i];
    have |= p.substr(0, p.find(':')) == format;
    free(list[i]);
  }
  free(list);
  if (!have)
    return fmt::format("Graphviz cannot render {} here: no plugin for it is installed (PNG needs the cairo plugin of "
                       "Debian's libgvc6)", format);

  Graph G{agopen(c("layout"), Agdirected, nullptr), {}};
  build(G, d);
  std::string tmp = file + ".XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) {
    std::string why = std::strerror(errno);
    agclose(G.root);
    return fmt::format("cannot write {}: {}", file, why);
  }
  close(fd);
  std::string err;
  if (gvLayout(gvc.get(), G.root, "dot") != 0) {
    err = "Graphviz could not lay out the picture";
  } else {
    if (gvRenderFilename(gvc.get(), G.root, format.c_str(), tmp.c_str()) != 0)
      err = fmt::format("Graphviz could not render {}", format);
    gvFreeLayout(gvc.get(), G.root);
  }
  agclose(G.root);
  struct stat st {};
  if (err.empty() && (stat(tmp.c_str(), &st) != 0 || st.st_size == 0)) err = fmt::format("Graphviz wrote no {}", format);
  if (err.empty()) {
    mode_t mask = umask(0);   // (mkstemp makes it private; a picture gets the usual mode)
    umask(mask);
    chmod(tmp.c_str(), 0666 & ~mask);
    if (std::rename(tmp.c_str(), file.c_str()) != 0) err = fmt::format("cannot write {}: {}", file, std::strerror(errno));
  }
  if (!err.empty()) std::remove(tmp.c_str());
  return err;
}

}  // namespace vfsim::ldm::layout

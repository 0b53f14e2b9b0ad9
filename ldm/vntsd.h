// Guest consoles on TCP, as vntsd serves them from the vcc's port range: every bound guest
// with a console port listens on 127.0.0.1:<port>; a client first gets what the guest wrote
// before it connected (the last kBacklog bytes, nothing lost in between), then its output
// as it comes; what the client types goes to the guest's console input (cons_getchar).
// The guest's console is read from and typed into the control domain's vcc
// (models/vcc.h), which the hypervisor feeds with console packets.
// Ports are the manager's to assign, as on a real system (scripts and saved configurations
// rely on them). A port another process holds is never quietly shared: a bind skips it, or
// refuses it when set-vcons asked for it (Manager::console_port_free, port_free here); one
// taken later, after the bind, is said on stderr when the listener cannot open, retried until
// it is free and said again when it opens (ldm list shows the port the domain owns).
#pragma once
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "hv/hypervisor.h"
#include "ldm/manager.h"
#include "models/vcc.h"

namespace vfsim::ldm {

class ConsoleServer {
 public:
  static constexpr size_t kBacklog = 64 * 1024;
  ConsoleServer(boost::asio::io_context& io, hv::Hypervisor& hv, models::VirtualConsoleConcentrator& vcc)
      : io_(io), hv_(hv), vcc_(vcc) {}
  // Open and close listeners to follow the bindings, accept clients, move bytes both ways.
  void poll(const Model& m);
  // A port this server listens on, or one it could listen on now (127.0.0.1).
  bool port_free(int port);

 private:
  struct Client {
    boost::asio::ip::tcp::socket sock;
    uint64_t sent;   // absolute offset in the domain's console output written to this client
  };
  struct Port {
    std::string domain;
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    std::vector<std::unique_ptr<Client>> clients;
  };
  boost::asio::io_context& io_;
  hv::Hypervisor& hv_;
  models::VirtualConsoleConcentrator& vcc_;
  std::map<int, Port> ports_;
  std::map<int, std::string> failed_;   // port -> the domain whose listener could not open (logged once)
};

}  // namespace vfsim::ldm

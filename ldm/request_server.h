// ldmd's side of the ldm/vfctl protocol (protocol.h): a Unix socket server that never
// blocks. The listening socket and every client are non-blocking and polled together, from
// ldmd's main loop between slices of simulated time. Each client has a read buffer (its one
// request line, at most kMaxRequestBytes) and a write buffer (its reply), and a wall-clock
// deadline: to send its request, and again to read its reply. A client that stalls, sends
// junk or too much, or does not read, is dropped with a line on stderr; the others are
// served meanwhile, complete requests in arrival order, a bounded number per poll so that
// simulated time keeps running under a flood of clients. A command that returns a pending
// Operation keeps its client waiting, without blocking anyone, until the Operation ends.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "ldm/manager.h"
#include "ldm/protocol.h"

namespace vfsim::ldm {

struct ServerLimits {
  size_t max_request = kMaxRequestBytes;   // a request line, newline included
  double deadline_s = 5.0;                 // wall time to send the request, and to read the reply
  size_t max_clients = 512;                // connections held at once; more wait in the listen backlog
  size_t requests_per_poll = 16;           // requests run per poll(), then simulated time runs again
};

class RequestServer {
 public:
  // Runs one request; an exception it throws becomes an error reply ("ldmd: ...", code 1).
  using Handler = std::function<Reply(const std::string& tool, const std::vector<std::string>& argv)>;
  // Listens on path (removed first if it exists: callers check that no ldmd answers there).
  // Throws std::runtime_error when it cannot.
  RequestServer(const std::string& path, Handler handler, ServerLimits limits = {});
  ~RequestServer();   // closes every connection and removes the socket file
  RequestServer(const RequestServer&) = delete;
  RequestServer& operator=(const RequestServer&) = delete;

  // Waits at most timeout_ms for socket activity (not at all while requests are queued), then
  // accepts, reads, runs queued requests and writes replies, and drops clients past their
  // deadline.
  void poll(int timeout_ms);
  // At shutdown: keeps writing the replies already made for at most `seconds`.
  void flush(double seconds);
  size_t clients() const { return clients_.size(); }

 private:
  using Clock = std::chrono::steady_clock;
  // Waiting: its command is an Operation still running (operation.h); no deadline, since
  // the Operation has its own (in simulated time).
  enum class Phase { Reading, Queued, Waiting, Writing };
  struct Client {
    int fd = -1;
    uint64_t id = 0;             // for log lines
    Phase phase = Phase::Reading;
    std::string in, out;         // request bytes so far; reply bytes not yet written
    size_t written = 0;          // of out
    Clock::time_point deadline;  // Reading: for the whole request; Writing: for the whole reply
    std::shared_ptr<Operation> op;   // Waiting: the command's Operation
  };
  void accept_new();
  void read_from(Client& c);
  void run_queued();
  void deliver_finished();   // replies of Operations that have finished
  void reply(Client& c, const std::string& line);
  void write_to(Client& c);
  void drop(Client& c, const std::string& why);   // logs why ("" = quietly: a finished client)

  std::string path_;
  Handler handler_;
  ServerLimits limits_;
  int listen_fd_ = -1;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Client> clients_;   // by id: accept order
  std::deque<uint64_t> queue_;           // complete requests waiting to run, oldest first
};

}  // namespace vfsim::ldm

#include "ldm/request_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <fmt/format.h>

namespace vfsim::ldm {

namespace {
constexpr size_t kReadChunk = 64 * 1024;   // per client per poll: nobody hogs a round
constexpr int kAcceptsPerPoll = 64;
}  // namespace

RequestServer::RequestServer(const std::string& path, Handler handler, ServerLimits limits)
    : path_(path), handler_(std::move(handler)), limits_(limits) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) throw std::runtime_error("socket path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
  listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  // Only a socket of our own (left by an ldmd of ours that died) is replaced: the path may be
  // in /tmp, where another user could have put a file or a socket of theirs (or a link to a
  // file of ours) first.
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      ::close(listen_fd_);
      throw std::runtime_error(path + " exists and is not a socket: not replacing it (choose another --socket)");
    }
    if (st.st_uid != ::geteuid()) {
      ::close(listen_fd_);
      throw std::runtime_error(fmt::format("{} belongs to user {}, not to ldmd's user {}: not replacing it (choose "
                                           "another --socket)", path, st.st_uid, ::geteuid()));
    }
    ::unlink(path.c_str());
  }
  // Owner-only from the start (not after a chmod, not from the umask): ldm's requests change
  // the machine, so only ldmd's user (and root) may send them; accept_new checks it too.
  mode_t old = ::umask(0077);
  int bound = ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::umask(old);
  if (bound != 0 || ::listen(listen_fd_, SOMAXCONN) != 0) {
    std::string why = std::strerror(errno);
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on " + path + ": " + why);
  }
}

RequestServer::~RequestServer() {
  for (auto& [id, c] : clients_) ::close(c.fd);
  ::close(listen_fd_);
  ::unlink(path_.c_str());
}

void RequestServer::poll(int timeout_ms) {
  deliver_finished();   // an Operation that ended since the last poll answers before any sleep
  std::vector<pollfd> fds;
  std::vector<uint64_t> ids;
  auto now = Clock::now();
  // Sleep no longer than until the nearest deadline, and not at all with requests queued.
  int wait = queue_.empty() ? timeout_ms : 0;
  bool listening = clients_.size() < limits_.max_clients;   // else the backlog holds newcomers
  if (listening) fds.push_back({listen_fd_, POLLIN, 0});
  for (auto& [id, c] : clients_) {
    short ev = c.phase == Phase::Reading ? POLLIN : c.phase == Phase::Writing ? POLLOUT : 0;
    if (!ev) continue;
    fds.push_back({c.fd, ev, 0});
    ids.push_back(id);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(c.deadline - now).count() + 1;
    wait = int(std::max<long long>(0, std::min<long long>(wait, left)));
  }
  int n = ::poll(fds.data(), fds.size(), wait);
  if (n < 0 && errno != EINTR) std::cerr << "ldmd: poll: " << std::strerror(errno) << "\n";
  if (n > 0) {
    size_t first = listening ? 1 : 0;
    if (listening && fds.front().revents) accept_new();
    for (size_t i = first; i < fds.size(); ++i) {
      if (!fds[i].revents) continue;
      auto it = clients_.find(ids[i - first]);
      if (it == clients_.end()) continue;
      if (it->second.phase == Phase::Reading) read_from(it->second);
      else if (it->second.phase == Phase::Writing) write_to(it->second);
    }
  }
  run_queued();
  deliver_finished();
  now = Clock::now();
  for (auto& [id, c] : clients_) {
    if (c.fd < 0 || c.phase == Phase::Queued || c.phase == Phase::Waiting || now < c.deadline) continue;
    if (c.phase == Phase::Reading)
      drop(c, fmt::format("no complete request within {:g} s ({} bytes received)", limits_.deadline_s, c.in.size()));
    else
      drop(c, fmt::format("did not read its reply within {:g} s ({} of {} bytes taken)", limits_.deadline_s, c.written,
                          c.out.size()));
  }
  for (auto it = clients_.begin(); it != clients_.end();) it = it->second.fd < 0 ? clients_.erase(it) : std::next(it);
}

void RequestServer::flush(double seconds) {
  auto end = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  for (auto& [id, c] : clients_)
    if (c.phase == Phase::Writing) c.deadline = std::min(c.deadline, end);
  queue_.clear();   // requests not yet run stay unanswered: ldmd is stopping
  deliver_finished();   // Operations cancelled by now say so
  for (;;) {
    bool writing = std::any_of(clients_.begin(), clients_.end(), [](const auto& e) { return e.second.phase == Phase::Writing; });
    if (!writing || Clock::now() >= end) break;
    std::vector<pollfd> fds;
    for (auto& [id, c] : clients_)
      if (c.phase == Phase::Writing) fds.push_back({c.fd, POLLOUT, 0});
    ::poll(fds.data(), fds.size(), 10);
    for (auto& [id, c] : clients_)
      if (c.phase == Phase::Writing && c.fd >= 0) write_to(c);
    for (auto it = clients_.begin(); it != clients_.end();) it = it->second.fd < 0 ? clients_.erase(it) : std::next(it);
  }
}

void RequestServer::accept_new() {
  for (int i = 0; i < kAcceptsPerPoll && clients_.size() < limits_.max_clients; ++i) {
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      // EAGAIN: nobody else waiting. EMFILE and the like: those clients wait in the backlog.
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR && errno != ECONNABORTED)
        std::cerr << "ldmd: accept: " << std::strerror(errno) << "\n";
      if (errno == ECONNABORTED || errno == EINTR) continue;
      return;
    }
    ucred who{};
    socklen_t len = sizeof who;
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &who, &len) != 0 || (who.uid != 0 && who.uid != ::geteuid())) {
      std::cerr << "ldmd: refused a client of user " << who.uid << " (only ldmd's own user and root may use ldm)\n";
      ::close(fd);
      continue;
    }
    Client c;
    c.fd = fd;
    c.id = next_id_++;
    c.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.deadline_s));
    clients_.emplace(c.id, std::move(c));
  }
}

void RequestServer::read_from(Client& c) {
  char buf[kReadChunk];
  ssize_t n = ::read(c.fd, buf, sizeof buf);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return;
  if (n < 0) return drop(c, fmt::format("read: {}", std::strerror(errno)));
  if (n == 0)   // quietly when nothing came: another ldmd probing whether this one runs
    return drop(c, c.in.empty() ? "" : fmt::format("hung up before a complete request ({} bytes received)", c.in.size()));
  size_t old = c.in.size();
  c.in.append(buf, size_t(n));
  size_t nl = c.in.find('\n', old);
  if (nl == std::string::npos ? c.in.size() >= limits_.max_request : nl + 1 > limits_.max_request) {
    // Refused without reading the rest: the reply goes out if the client's buffer takes
    // it, and the connection closes (with the rest unread).
    std::cerr << fmt::format("ldmd: client {}: request longer than {} bytes: dropped\n", c.id, limits_.max_request);
    c.in.clear();
    c.in.shrink_to_fit();
    c.out = encode_reply("", fmt::format("ldmd: request longer than {} bytes: refused\n", limits_.max_request), 1);
    c.written = 0;
    c.phase = Phase::Writing;
    write_to(c);
    if (c.fd >= 0) drop(c, "");
    return;
  }
  if (nl == std::string::npos) return;
  // One request per connection: what follows the newline is ignored.
  c.in.resize(nl + 1);
  c.phase = Phase::Queued;
  queue_.push_back(c.id);
}

void RequestServer::run_queued() {
  for (size_t done = 0; done < limits_.requests_per_poll && !queue_.empty(); ++done) {
    auto it = clients_.find(queue_.front());
    queue_.pop_front();
    if (it == clients_.end() || it->second.fd < 0) continue;
    Client& c = it->second;
    std::string tool, why;
    std::vector<std::string> argv;
    std::string line;
    if (!decode_request(c.in, tool, argv, why)) {
      std::cerr << fmt::format("ldmd: client {}: malformed request ({}): refused\n", c.id, why);
      line = encode_reply("", "ldmd: malformed request: " + why + "\n", 1);
    } else {
      // Whatever a command throws is that command's failure, never ldmd's.
      try {
        Reply r = handler_(tool, argv);
        if (r.pending && !r.pending->done()) {
          c.in.clear();
          c.op = r.pending;
          c.phase = Phase::Waiting;
          continue;
        }
        if (r.pending) r = r.pending->reply();
        line = encode_reply(r.out, r.err, r.code);
      } catch (const std::exception& e) {
        std::cerr << fmt::format("ldmd: client {}: request failed: {}\n", c.id, e.what());
        line = encode_reply("", fmt::format("ldmd: internal error: {}\n", e.what()), 1);
      } catch (...) {
        std::cerr << fmt::format("ldmd: client {}: request failed\n", c.id);
        line = encode_reply("", "ldmd: internal error\n", 1);
      }
    }
    reply(c, line);
  }
}

void RequestServer::deliver_finished() {
  for (auto& [id, c] : clients_)
    if (c.phase == Phase::Waiting && c.fd >= 0 && c.op->done()) {
      Reply r = c.op->reply();
      c.op.reset();
      reply(c, encode_reply(r.out, r.err, r.code));
    }
}

void RequestServer::reply(Client& c, const std::string& line) {
  c.in.clear();
  c.in.shrink_to_fit();
  c.out = line;
  c.written = 0;
  c.phase = Phase::Writing;
  c.deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(limits_.deadline_s));
  write_to(c);   // most replies fit the socket buffer at once
}

void RequestServer::write_to(Client& c) {
  while (c.written < c.out.size()) {
    ssize_t n = ::send(c.fd, c.out.data() + c.written, c.out.size() - c.written, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (n < 0) return drop(c, fmt::format("write: {}", std::strerror(errno)));
    c.written += size_t(n);
  }
  drop(c, "");   // the whole reply is out: the connection is done
}

void RequestServer::drop(Client& c, const std::string& why) {
  if (!why.empty()) std::cerr << fmt::format("ldmd: client {}: {}: dropped\n", c.id, why);
  ::close(c.fd);
  c.fd = -1;
  c.in.clear();
  c.out.clear();
}

}  // namespace vfsim::ldm

// ldm: the Logical Domains Manager command line. Everything it does happens in ldmd, except
// what only the client can do for migrate-domain: ask for the target password on the
// terminal, name the user running it, and turn SIGINT/SIGTERM into a cancel (seed 001: a
// migration whose ldm is interrupted ends; one whose ldm only loses its terminal goes on),
// and read add-domain -i's XML file as the user running it.
#include <pwd.h>
#include <signal.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <thread>

#include "ldm/command_table.h"
#include "ldm/protocol.h"

namespace {

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int sig) { g_interrupted = sig; }

// "Target Password:" on the terminal, echo off. false when there is no terminal.
bool prompt_password(std::string& out) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) return false;
  std::fputs("Target Password:", tty);
  std::fflush(tty);
  termios old{};
  bool restore = tcgetattr(fileno(tty), &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    tcsetattr(fileno(tty), TCSAFLUSH, &quiet);
  }
  char buf[512];
  bool ok = std::fgets(buf, sizeof buf, tty) != nullptr;
  if (restore) tcsetattr(fileno(tty), TCSAFLUSH, &old);
  std::fputs("\n", tty);
  std::fclose(tty);
  if (!ok) return false;
  out = buf;
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return true;
}

int migrate(std::vector<std::string> args) {
  // Operands: the domain and [user@]host[:name]; the user defaults to the one running ldm.
  bool cert = false, file = false, dry = false;
  std::string password;
  std::vector<size_t> operands;
  for (size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "-c") cert = true;
    else if (args[i] == "-n") dry = true;
    else if (args[i] == "-p" && i + 1 < args.size()) {
      // The password file is read here, as the user running ldm (its first line).
      std::ifstream f(args[i + 1]);
      if (!f || !std::getline(f, password)) {
        std::cerr << "Unable to read the password file " << args[i + 1] << "\n";
        return 1;
      }
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
      args.push_back("--target-password=" + password);
      file = true;
      --i;
    } else if (args[i].rfind("trace=", 0) == 0 && args[i].size() > 6 && args[i][6] != '/') {
      // The timeline is written by ldmd: a relative path means one from where ldm runs.
      char cwd[4096];
      if (getcwd(cwd, sizeof cwd)) args[i] = "trace=" + std::string(cwd) + "/" + args[i].substr(6);
    } else if (!args[i].empty() && args[i][0] != '-' && args[i].find('=') == std::string::npos) {
      operands.push_back(i);   // (name=value words are the migration's properties)
    }
  }
  if (operands.size() == 2) {
    std::string& target = args[operands[1]];
    if (target.find('@') == std::string::npos) {
      const passwd* pw = getpwuid(geteuid());
      if (pw) target = std::string(pw->pw_name) + "@" + target;
    }
    std::string domain = args[operands[0]];
    if (!cert && !file) {
      if (!prompt_password(password)) {
        std::cerr << "Target Password: no terminal to read it from: give -p <password_file> or -c\n";
        return 1;
      }
      args.push_back("--target-password=" + password);
    }
    // An interrupted ldm cancels the migration it started; losing the terminal does not.
    if (!dry) {
      struct sigaction sa {};
      sa.sa_handler = on_interrupt;
      sigaction(SIGINT, &sa, nullptr);
      sigaction(SIGTERM, &sa, nullptr);
      signal(SIGHUP, SIG_IGN);
      std::thread watcher([domain] {
        while (!g_interrupted) std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (g_interrupted < 0) return;
        vfsim::ldm::Answer a = vfsim::ldm::request("ldm", {"cancel-operation", "migration", domain});
        std::cerr << a.err;
      });
      int rc = vfsim::ldm::client_main("ldm", args);
      if (g_interrupted > 0) {   // the cancel's answer arrives; ours says what happened
        watcher.join();
        return rc ? rc : 1;
      }
      g_interrupted = -1;
      watcher.join();
      return rc;
    }
  }
  return vfsim::ldm::client_main("ldm", args);
}

}  // namespace

// add-domain -i FILE: the file is read here, as the user running ldm (ldmd may not be
// allowed to read it, nor see the same path), and its text goes in place of its name.
static bool inline_xml_file(std::vector<std::string>& args) {
  if (args.empty() || (args[0] != "add-domain" && args[0] != "add-dom" && args[0] != "create")) return true;
  for (size_t i = 1; i + 1 < args.size(); ++i) {
    if (args[i] != "-i") continue;
    const std::string& path = args[i + 1];
    std::string text;
    FILE* f = std::fopen(path.c_str(), "rb");
    int err = f ? 0 : errno;
    if (f) {
      char buf[65536];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
      if (std::ferror(f)) err = errno ? errno : EIO;   // a directory opens, then fails to read (EISDIR)
      std::fclose(f);
    }
    if (err) {
      std::cerr << "Unable to read the XML file " << path << ": " << std::strerror(err) << "\n";
      return false;
    }
    args[i + 1] = text;
    return true;
  }
  return true;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!inline_xml_file(args)) return 1;
  // Help and every usage error are answered here, from the command table: no ldmd needed,
  // and nothing reaches it that it would refuse.
  {
    std::string out, err;
    int code = 0;
    if (vfsim::ldm::answer_locally(args, out, err, code)) {
      std::cout << out << std::flush;
      std::cerr << err << std::flush;
      return code;
    }
  }
  if (!args.empty() && (args[0] == "migrate-domain" || args[0] == "migrate")) return migrate(args);
  return vfsim::ldm::client_main("ldm", args);
}

// vfctl top: polls `vfctl stats --json` every -d seconds and shows the rates between the
// last two samples, as a refreshing ncurses screen or (-b) as plain text frames on stdout.
#include "ldm/top_view.h"

#include <curses.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "ldm/protocol.h"
#include "ldm/stats_sample.h"

namespace vfsim::ldm {

namespace {

// One sample from ldmd; false with the message to print when there is none.
bool fetch(StatsSample& s, std::string& err) {
  Answer a = request("vfctl", {"stats", "--json"});
  if (a.code != 0) {
    err = a.err.empty() ? "vfctl top: ldmd refused the stats request\n" : a.err;
    return false;
  }
  std::string why;
  if (!from_json(a.out, s, why)) {
    err = "vfctl top: malformed stats from ldmd: " + why + "\n";
    return false;
  }
  return true;
}

int batch(const TopOptions& o) {
  StatsSample prev, next;
  std::string err;
  if (!fetch(prev, err)) {
    std::cerr << err;
    return 1;
  }
  for (unsigned n = 0; o.count == 0 || n < o.count; ++n) {
    std::this_thread::sleep_for(std::chrono::duration<double>(o.delay_s));
    if (!fetch(next, err)) {
      std::cerr << err;
      return 1;
    }
    if (n) std::cout << "\n";
    for (const std::string& line : format_frame(compute_frame(prev, next), o.per_vcpu)) std::cout << line << "\n";
    std::cout << std::flush;
    prev = next;
  }
  return 0;
}

void draw(const std::vector<std::string>& lines, const std::string& status) {
  erase();
  int row = 0;
  for (size_t i = 0; i < lines.size() && row < LINES - 1; ++i, ++row) {
    if (i == 1) attron(A_REVERSE);   // the column titles
    mvaddnstr(row, 0, lines[i].c_str(), COLS);
    if (i == 1) attroff(A_REVERSE);
  }
  mvaddnstr(LINES - 1, 0, status.c_str(), COLS);
  refresh();
}

int screen(const TopOptions& o) {
  StatsSample prev, next;
  std::string err;
  if (!fetch(prev, err)) {   // before the screen is taken: the error stays readable
    std::cerr << err;
    return 1;
  }
  initscr();
  cbreak();
  noecho();
  keypad(stdscr, TRUE);
  curs_set(0);
  bool per_vcpu = o.per_vcpu;
  Frame frame;
  bool have_frame = false;
  auto status = [&] {
    return std::string("q quit  d ") + (per_vcpu ? "hide" : "show") + " vCPUs  space refresh now  (every " +
           std::to_string(o.delay_s).substr(0, std::to_string(o.delay_s).find('.') + 3) + " s)";
  };
  auto show = [&] {
    std::vector<std::string> lines = have_frame ? format_frame(frame, per_vcpu)
                                                : std::vector<std::string>{"vfctl top - waiting for a second sample...", ""};
    draw(lines, status());
  };
  show();
  int code = 0;
  unsigned frames = 0;
  for (bool quit = false; !quit && (o.count == 0 || frames < o.count);) {
    auto due = std::chrono::steady_clock::now() + std::chrono::duration<double>(o.delay_s);
    // Keys until the next sample is due.
    for (;;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(due - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      timeout(int(std::min<long long>(left, 1000)));
      int ch = getch();
      if (ch == 'q' || ch == 'Q') {
        quit = true;
        break;
      }
      if (ch == 'd' || ch == 'D') {
        per_vcpu = !per_vcpu;
        show();
      } else if (ch == ' ') {
        break;
      } else if (ch == KEY_RESIZE) {
        show();
      }
    }
    if (quit) break;
    if (!fetch(next, err)) {
      code = 1;
      break;
    }
    frame = compute_frame(prev, next);
    have_frame = true;
    prev = next;
    ++frames;
    show();
  }
  endwin();
  if (code) std::cerr << err;
  return code;
}

}  // namespace

int top_main(const std::vector<std::string>& args) {
  TopOptions o;
  std::string err;
  if (!parse_top_options(args, o, err)) {
    std::cerr << err;
    return 1;
  }
  if (o.batch) return batch(o);
  if (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO)) {
    std::cerr << "vfctl top: not a terminal (use -b for plain text frames)\n";
    return 1;
  }
  return screen(o);
}

}  // namespace vfsim::ldm

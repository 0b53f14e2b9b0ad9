// ldm's command line, declared once: each subcommand's name, usage line, options,
// properties (with the check of their values) and operand count, in command_table.cpp. The
// parser, the usage and help texts and the refusal of anything undeclared all come from
// that table, so a subcommand cannot accept a word it then ignores. The ldm client checks a
// command line with it before it reaches ldmd (usage errors need no daemon); ldmd checks it
// again for every other client of its socket.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vfsim::ldm {

// A property value's check: "" when valid, else the whole error line ("Invalid mtu: 9 (...)").
using ValueCheck = std::string (*)(const std::string& value);

struct PropertySpec {
  const char* name;
  ValueCheck check;                 // nullptr: any value
};
struct OptionSpec {
  const char* name;                 // "-f", "-o", "--json"
  const char* value;                // nullptr, or what the next word names ("format", "file")
};
constexpr unsigned kMany = ~0u;
struct CommandSpec {
  const char* name;                 // canonical: "add-vnet"
  const char* usage;                // after "ldm ": "add-vnet [mac-addr=<num>] ... <if-name> <vswitch> <ldom>"
  std::vector<OptionSpec> options;
  std::vector<PropertySpec> properties;
  unsigned min_operands = 0, max_operands = 0;
  // Variables: name=value words are the command's operands (set-variable a=1 ldg1), in order.
  enum class Words { Strict, Variables } words = Words::Strict;
};

const std::vector<CommandSpec>& command_table();
// ldm's short forms (ls, rm-*, create, vswitch, mem, crypto, config, ...) as the canonical name.
std::string canonical_command(std::string cmd);
const CommandSpec* find_command(const std::string& canonical);

struct CommandLine {
  const CommandSpec* spec = nullptr;
  std::vector<std::string> flags;                        // options without a value: "-f", "--json"
  std::map<std::string, std::string> values;             // options with one: {"-o", "network"}
  std::map<std::string, std::string> props;              // name=value
  std::vector<std::pair<std::string, std::string>> prop_list;   // the same, in the order given
  std::vector<std::string> operands;
  std::vector<std::string> words;                        // everything after the subcommand, as given
  bool has(const std::string& flag) const;
  bool has_value(const std::string& option) const { return values.count(option) > 0; }
  std::string value(const std::string& option) const;
};

// The words after the subcommand against its row. "" and `out` filled, or the error to print
// (its first line says what is wrong, then the subcommand's usage).
std::string parse_command_line(const CommandSpec& spec, const std::vector<std::string>& words, CommandLine& out);
// "Usage:\n    ldm <usage line>\n"
std::string command_usage(const CommandSpec& spec);
// "Unknown command WORD" and where to look (two lines and a blank one).
std::string unknown_command(const std::string& word);
// `ldm --help`: the subcommands by resource, with their aliases.
std::string ldm_help();
// What the ldm client decides alone, without ldmd: help, and the refusal of a command line
// the table refuses. Returns true when `args` is answered here (out/err/code set).
bool answer_locally(const std::vector<std::string>& args, std::string& out, std::string& err, int& code);

}  // namespace vfsim::ldm

// The row model behind every ldm listing: a listing is a sequence of blocks (tables and
// domain lines); each row holds its values once, and the three outputs are rendered from
// it: the text table (column widths of LDoms 1.2), the parseable records of -p
// (KEYWORD|key=value), and --json (a vfsim addition carrying exactly the -p records).
#pragma once
#include <cstddef>
#include <string>
#include <vector>

namespace vfsim::ldm::listing {

// The VERSION line of every -p listing (and --json's "version"): the value LDoms 1.2
// prints with `ldm list -o status -p` (seed 001); docs/ldm.md "Automation".
constexpr const char* kVersion = "1.3";

enum class Show { Both, Text, P };   // which outputs carry a column

struct Col {
  std::string head;      // text header ("" for none)
  std::string key;       // -p key
  size_t width = 0;      // text width (pads to it, or one space past a longer value); 0: last
  Show show = Show::Both;
  bool kv = false;       // text prints key=value (CONTROL, DEPENDENCY, VARIABLES)
};

struct Cell {
  std::string text, p;
  bool omit_p = false;   // this row's -p record leaves the key out
  std::string key;       // overrides the column's key (VARIABLES: one name per row)
  Cell(const char* v) : text(v), p(v) {}
  Cell(std::string v) : text(v), p(std::move(v)) {}
  Cell(std::string t, std::string pv) : text(std::move(t)), p(std::move(pv)) {}
};

struct Row {
  std::vector<Cell> cells;   // one per Col of its table
  std::vector<Row> subs;     // sub-rows (VDS volumes, a vnet's PEERs), in Table::sub_cols
  Row(std::vector<Cell> c = {}) : cells(std::move(c)) {}
};

struct Table {
  enum class Layout {
    Flat,     // header once, one line per row
    Merged,   // the first sub-row continues its row's line, the others start under it (VDS)
    Nested,   // per row: header, line, then the sub-table indented 8 with its header (NETWORK + PEER)
  };
  std::string title;           // text section title
  std::string kw;              // -p keyword
  bool row_kw = true;          // -p: "KW|..." per row; false: "KW" once, then "|..." per row
  Layout layout = Layout::Flat;
  size_t indent = 4;           // text indentation of header and rows (SOFTSTATE: 0)
  Show show = Show::Both;      // SOFTSTATE is text only (-p carries it in DOMAIN)
  std::vector<Col> cols, sub_cols;
  std::vector<size_t> p_order;   // -p key order as column indices, when it is not the text's
  std::vector<Row> rows;
  Table(std::string t = "", std::string k = "") : title(std::move(t)), kw(std::move(k)) {}
};

// One -p record: "KW|k=v|k=v" (or "KW" alone when it has no fields), then its "|k=v" rows.
struct Field { std::string key, value; };
struct Record {
  std::string kw;
  std::vector<Field> fields;
  std::vector<std::vector<Field>> rows;
  bool trailing_bar = false;   // "DOMAIN|name=x|" of `list -o ... -p` (seed 001)
  Record(std::string k, std::vector<Field> f = {}, std::vector<std::vector<Field>> r = {}, bool bar = false)
      : kw(std::move(k)), fields(std::move(f)), rows(std::move(r)), trailing_bar(bar) {}
};

// A block of a listing: literal text (a header line, a domain's line, a separator) with the
// record -p shows for it, if any; or a table.
struct Block {
  std::string text;
  std::vector<Record> records;
  bool is_table = false;
  Table table;
  std::string text_before;     // text framing printed before a table ("\n" in -l)
  Block(std::string t = "", std::vector<Record> r = {}) : text(std::move(t)), records(std::move(r)) {}
};

struct Listing {
  std::vector<Block> blocks;
  void text(std::string t, std::vector<Record> r = {}) { blocks.push_back({std::move(t), std::move(r)}); }
  void record(Record r) { blocks.push_back({"", {std::move(r)}}); }
  void table(Table t, std::string before = "\n") {
    Block b;
    b.is_table = true;
    b.table = std::move(t);
    b.text_before = std::move(before);
    blocks.push_back(std::move(b));
  }
};

// Pads to width, or one space past a value that fills it.
std::string col(const std::string& v, size_t w);
std::string rstrip(std::string s);

std::string render_text(const Listing& l);
std::vector<Record> records(const Listing& l);
std::string render_p(const Listing& l);       // VERSION line first
std::string render_json(const Listing& l);    // {"version": ..., "records": [...]}
std::string render_text(const Table& t);      // one table, its title first (no framing)

}  // namespace vfsim::ldm::listing

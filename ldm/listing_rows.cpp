#include "ldm/listing_rows.h"

#include <fmt/format.h>

namespace vfsim::ldm::listing {

std::string rstrip(std::string s) {
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

std::string col(const std::string& v, size_t w) { return v.size() >= w ? v + " " : v + std::string(w - v.size(), ' '); }

namespace {

bool in_text(const Col& c) { return c.show != Show::P; }
bool in_p(const Col& c) { return c.show != Show::Text; }

// The text of some cells of a row under these columns (from column `first`).
// pad_last: the line goes on (a VDS name before its first volume).
std::string line(const std::vector<Col>& cols, const std::vector<Cell>* cells, bool pad_last = false) {
  std::string s;
  size_t last = 0;
  for (size_t i = 0; i < cols.size(); ++i)
    if (in_text(cols[i])) last = i;
  for (size_t i = 0; i < cols.size(); ++i) {
    if (!in_text(cols[i])) continue;
    std::string v = cells ? (*cells)[i].text : cols[i].head;
    if (cells && cols[i].kv) v = ((*cells)[i].key.empty() ? cols[i].key : (*cells)[i].key) + "=" + v;
    s += (i == last && !pad_last) || !cols[i].width ? v : col(v, cols[i].width);
  }
  return s;
}
bool has_header(const std::vector<Col>& cols) {
  for (const Col& c : cols)
    if (in_text(c) && !c.head.empty()) return true;
  return false;
}

std::vector<Field> fields(const std::vector<Col>& cols, const std::vector<Cell>& cells,
                          const std::vector<size_t>& order = {}) {
  std::vector<Field> f;
  for (size_t j = 0; j < cols.size(); ++j) {
    size_t i = order.empty() ? j : order[j];
    if (in_p(cols[i]) && !cells[i].omit_p) f.push_back({cells[i].key.empty() ? cols[i].key : cells[i].key, cells[i].p});
  }
  return f;
}

std::string fields_p(const std::vector<Field>& f) {
  std::string s;
  for (const Field& x : f) s += "|" + x.key + "=" + x.value;
  return s;
}

std::string json_string(const std::string& v) {
  std::string s = "\"";
  for (unsigned char c : v) {
    if (c == '"' || c == '\\') s += std::string("\\") + char(c);
    else if (c == '\n') s += "\\n";
    else if (c < 0x20) s += fmt::format("\\u{:04x}", c);
    else s += char(c);
  }
  return s + "\"";
}
std::string json_object(const std::vector<Field>& f) {
  std::string s = "{";
  for (size_t i = 0; i < f.size(); ++i) s += (i ? ", " : "") + json_string(f[i].key) + ": " + json_string(f[i].value);
  return s + "}";
}

}  // namespace

std::string render_text(const Table& t) {
  if (t.show == Show::P) return "";
  std::string pad(t.indent, ' '), out = t.title + "\n";
  auto emit = [&](const std::string& indent, const std::string& l) { out += rstrip(indent + l) + "\n"; };
  switch (t.layout) {
    case Table::Layout::Flat:
      if (has_header(t.cols)) emit(pad, line(t.cols, nullptr));
      for (const Row& r : t.rows) emit(pad, line(t.cols, &r.cells));
      break;
    case Table::Layout::Merged: {
      // The parent's columns, then the sub-table's; later sub-rows leave the parent's blank.
      std::string blank;
      for (const Col& c : t.cols)
        if (in_text(c)) blank += std::string(c.width, ' ');
      emit(pad, line(t.cols, nullptr, true) + line(t.sub_cols, nullptr));
      for (const Row& r : t.rows) {
        if (r.subs.empty()) emit(pad, line(t.cols, &r.cells));
        for (size_t i = 0; i < r.subs.size(); ++i)
          emit(pad, (i ? blank : line(t.cols, &r.cells, true)) + line(t.sub_cols, &r.subs[i].cells));
      }
      break;
    }
    case Table::Layout::Nested:
      for (const Row& r : t.rows) {
        emit(pad, line(t.cols, nullptr));
        emit(pad, line(t.cols, &r.cells));
        if (r.subs.empty()) continue;
        emit(pad + pad, line(t.sub_cols, nullptr));
        for (const Row& s : r.subs) emit(pad + pad, line(t.sub_cols, &s.cells));
      }
      break;
  }
  return out;
}

std::string render_text(const Listing& l) {
  std::string out;
  for (const Block& b : l.blocks) {
    if (!b.is_table) out += b.text;
    else if (b.table.show != Show::P) out += b.text_before + render_text(b.table);
  }
  return out;
}

std::vector<Record> records(const Listing& l) {
  std::vector<Record> out;
  for (const Block& b : l.blocks) {
    for (const Record& r : b.records) out.push_back(r);
    if (!b.is_table || b.table.show == Show::Text) continue;
    const Table& t = b.table;
    if (!t.row_kw) {
      Record r{t.kw, {}, {}};
      for (const Row& row : t.rows) r.rows.push_back(fields(t.cols, row.cells, t.p_order));
      out.push_back(std::move(r));
      continue;
    }
    for (const Row& row : t.rows) {
      Record r{t.kw, fields(t.cols, row.cells, t.p_order), {}};
      for (const Row& s : row.subs) r.rows.push_back(fields(t.sub_cols, s.cells));
      out.push_back(std::move(r));
    }
  }
  return out;
}

std::string render_p(const Listing& l) {
  std::string out = fmt::format("VERSION {}\n", kVersion);
  for (const Record& r : records(l)) {
    out += r.kw + fields_p(r.fields) + (r.trailing_bar ? "|" : "") + "\n";
    for (const auto& row : r.rows) out += fields_p(row) + "\n";
  }
  return out;
}

std::string render_json(const Listing& l) {
  std::string out = fmt::format("{{\"version\": {}, \"records\": [", json_string(kVersion));
  bool first = true;
  for (const Record& r : records(l)) {
    out += first ? "\n" : ",\n";
    first = false;
    out += "  {\"record\": " + json_string(r.kw) + ", \"fields\": " + json_object(r.fields);
    if (!r.rows.empty()) {
      out += ", \"rows\": [";
      for (size_t i = 0; i < r.rows.size(); ++i) out += (i ? ", " : "") + json_object(r.rows[i]);
      out += "]";
    }
    out += "}";
  }
  return out + (first ? "]}\n" : "\n]}\n");
}

}  // namespace vfsim::ldm::listing

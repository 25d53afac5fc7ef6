// A JSON writer that appends straight to a string, for responses on hot paths where building an
// nlohmann::json tree (a map node and a heap string per member) costs more than the answer's
// reads. Its output is byte for byte what DumpJson (common/json.h) prints for the same document
// written with the same member order: compact, UTF-8 kept as is, control characters escaped as
// nlohmann escapes them, invalid UTF-8 replaced by U+FFFD.
//
// The caller writes members in the order they should appear (DumpJson's objects come out sorted
// by key). Nesting is not checked beyond a debug assertion: write well-formed documents.
// Not thread-safe; one writer per string.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ndc {

// Appends `s` as a JSON string literal, quotes included.
void AppendJsonString(std::string* out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  // The next value is the member `name` of the enclosing object.
  void Key(std::string_view name);

  void String(std::string_view s);
  void Int(int64_t v);
  void Double(double v);
  void Bool(bool v);
  void Null();

  // Shorthands: Key(name) followed by the value.
  void Member(std::string_view name, std::string_view s) { Key(name), String(s); }
  void Member(std::string_view name, int64_t v) { Key(name), Int(v); }

 private:
  void Open(char c);
  void Close(char c);
  void BeforeValue();

  std::string* out_;
  // Per open container: whether a value (or member) was written in it yet.
  std::vector<bool> written_;
  bool after_key_ = false;
};

}  // namespace ndc

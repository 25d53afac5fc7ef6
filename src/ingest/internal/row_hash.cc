#include "ingest/internal/row_hash.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/crypto.h"

namespace ndc::ingest {
namespace {

void AppendTagged(char tag, std::string_view bytes, std::string* out) {
  out->push_back(tag);
  const uint64_t n = bytes.size();
  out->append(reinterpret_cast<const char*>(&n), sizeof n);
  out->append(bytes);
}

}  // namespace

int64_t RowHash(std::span<const store::Value> values, size_t hashed_fields) {
  if (values.size() > hashed_fields &&
      std::all_of(values.begin() + static_cast<std::ptrdiff_t>(hashed_fields), values.end(),
                  [](const store::Value& v) { return store::IsNull(v); })) {
    values = values.first(hashed_fields);
  }
  thread_local std::string buf;
  buf.clear();
  for (const store::Value& v : values) {
    if (store::IsNull(v)) {
      buf.push_back('n');
    } else if (const auto* i = std::get_if<int64_t>(&v)) {
      AppendTagged('i', std::string_view(reinterpret_cast<const char*>(i), sizeof *i), &buf);
    } else if (const auto* d = std::get_if<double>(&v)) {
      AppendTagged('d', std::string_view(reinterpret_cast<const char*>(d), sizeof *d), &buf);
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      AppendTagged('s', *s, &buf);
    } else {
      AppendTagged('b', std::get<store::Blob>(v).bytes, &buf);
    }
  }
  // A first load hashes every row: common/crypto.h's Sha256Of costs no lookup or allocation.
  uint8_t digest[32];
  Sha256Of({buf}, digest);
  int64_t h = 0;
  std::memcpy(&h, digest, sizeof h);
  return h;
}

}  // namespace ndc::ingest

#include "audit/person_block.h"

#include <fmt/format.h>

#include <algorithm>

namespace ndc::audit {
namespace {

constexpr uint8_t kVersion = 1;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Reads a minimal varint (no redundant trailing zero groups, so the encoding stays canonical).
bool GetVarint(std::string_view* in, uint64_t* v) {
  *v = 0;
  for (int shift = 0; shift < 64 && !in->empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    if (shift == 63 && byte > 1) return false;
    *v |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return byte != 0 || shift == 0;
  }
  return false;
}

size_t SharedPrefix(std::string_view a, std::string_view b) {
  return static_cast<size_t>(
      std::mismatch(a.begin(), a.begin() + std::min(a.size(), b.size()), b.begin()).first - a.begin());
}

}  // namespace

std::string PersonSortKey(std::string_view person_key, uint64_t index) {
  std::string key(person_key);
  key.push_back('\0');
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(index >> shift));
  return key;
}

Result<std::string> EncodePersonBlock(std::span<const PersonPosting> postings) {
  if (postings.empty()) return InvalidArgumentError("person index block: no postings");
  std::string out(1, static_cast<char>(kVersion));
  PutVarint(&out, postings.size());
  const PersonPosting* prev = nullptr;
  for (const PersonPosting& p : postings) {
    if (prev && !(*prev < p)) {
      return InvalidArgumentError(fmt::format("person index block: posting ({}, {}) does not follow ({}, {})",
                                              p.person_key, p.index, prev->person_key, prev->index));
    }
    const size_t shared = prev ? SharedPrefix(prev->person_key, p.person_key) : 0;
    PutVarint(&out, shared);
    PutVarint(&out, p.person_key.size() - shared);
    out.append(p.person_key, shared);
    PutVarint(&out, p.index);
    prev = &p;
  }
  return out;
}

Result<std::vector<PersonPosting>> DecodePersonBlock(std::string_view bytes) {
  auto bad = [&](std::string_view what) {
    return DataLossError(fmt::format("person index block of {} bytes is malformed: {}", bytes.size(), what));
  };
  std::string_view in = bytes;
  if (in.empty() || static_cast<uint8_t>(in.front()) != kVersion) return bad("unknown version");
  in.remove_prefix(1);
  uint64_t count = 0;
  // Every posting takes at least 3 bytes: a bound on the count before reserving for it.
  if (!GetVarint(&in, &count) || count == 0 || count > in.size() / 3) return bad("bad posting count");
  std::vector<PersonPosting> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t shared = 0, rest = 0;
    PersonPosting p;
    if (!GetVarint(&in, &shared) || !GetVarint(&in, &rest) || rest > in.size()) return bad("truncated key");
    if (i == 0 ? shared != 0 : shared > out.back().person_key.size()) return bad("bad shared prefix");
    if (i > 0) p.person_key.assign(out.back().person_key, 0, shared);
    p.person_key.append(in.substr(0, rest));
    in.remove_prefix(rest);
    if (!GetVarint(&in, &p.index) || p.index > static_cast<uint64_t>(INT64_MAX)) return bad("bad index");
    // Canonical: the shared prefix is the longest one, and postings strictly increase.
    if (i > 0 && (SharedPrefix(out.back().person_key, p.person_key) != shared || !(out.back() < p))) {
      return bad("postings out of order");
    }
    out.push_back(std::move(p));
  }
  if (!in.empty()) return bad("trailing bytes");
  return out;
}

}  // namespace ndc::audit

// The person index's block format: a sorted run of (person key, entry index) postings is stored
// as blocks of a few kilobytes, each one row of audit_person_blocks keyed by the sort key of its
// first posting. docs/design/audit-log.md, "Person index".
//
// Block bytes: a version byte 0x01, the posting count (varint), then per posting: the length of
// the prefix its person key shares with the previous posting's (varint, 0 for the first), the
// length of the rest (varint), the rest, and the entry index (varint). Postings are strictly
// increasing in (person key, index). DecodePersonBlock accepts exactly what EncodePersonBlock
// produces. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"

namespace ndc::audit {

struct PersonPosting {
  std::string person_key;
  uint64_t index = 0;
  friend auto operator<=>(const PersonPosting&, const PersonPosting&) = default;
};

// The byte string that orders postings as (person key, index) does when compared bytewise
// (SQLite BLOB, PostgreSQL bytea): the key, a 0x00 byte (person keys hold no control
// characters, so 0x00 sorts below every continuation), the index as 8 big-endian bytes.
std::string PersonSortKey(std::string_view person_key, uint64_t index);

// kInvalidArgument if `postings` is empty or not strictly increasing.
Result<std::string> EncodePersonBlock(std::span<const PersonPosting> postings);
// kDataLoss if `bytes` is not an encoding EncodePersonBlock produces.
Result<std::vector<PersonPosting>> DecodePersonBlock(std::string_view bytes);

}  // namespace ndc::audit

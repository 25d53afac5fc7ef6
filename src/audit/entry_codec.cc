#include "audit/entry_codec.h"

#include <fmt/format.h>

namespace ndc::audit {
namespace {

void PutU64(std::string* out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutU32(std::string* out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}
void PutText(std::string* out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out->append(s);
}

class Reader {
 public:
  explicit Reader(std::string_view b) : b_(b) {}
  bool U8(uint8_t* v) {
    if (b_.size() - at_ < 1) return false;
    *v = static_cast<uint8_t>(b_[at_++]);
    return true;
  }
  bool U32(uint32_t* v) {
    if (b_.size() - at_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v = (*v << 8) | static_cast<uint8_t>(b_[at_++]);
    return true;
  }
  bool U64(uint64_t* v) {
    if (b_.size() - at_ < 8) return false;
    *v = 0;
    for (int i = 0; i < 8; ++i) *v = (*v << 8) | static_cast<uint8_t>(b_[at_++]);
    return true;
  }
  bool Text(std::string* s) {
    uint32_t n = 0;
    if (!U32(&n) || b_.size() - at_ < n) return false;
    s->assign(b_.substr(at_, n));
    at_ += n;
    return true;
  }
  bool done() const { return at_ == b_.size(); }

 private:
  std::string_view b_;
  size_t at_ = 0;
};

}  // namespace

Result<std::string> EncodeEntry(const Entry& e) {
  RETURN_IF_ERROR(ValidateEntry(e));
  if (e.id.empty() || e.id.size() > kMaxEntryText) return InvalidArgumentError("audit entry id: empty or too long");
  std::string out;
  out.reserve(128 + e.action.size() + e.purpose.size() + e.legal_basis.size() + e.reason.size());
  out.push_back(static_cast<char>(kEntryFormatVersion));
  PutU64(&out, e.index);
  PutText(&out, e.id);
  PutU64(&out, static_cast<uint64_t>(e.time_micros));
  PutText(&out, e.actor.client);
  PutText(&out, e.actor.agency);
  PutText(&out, e.actor.role);
  PutText(&out, e.action);
  PutText(&out, e.subject.person_key);
  PutText(&out, e.subject.dataset);
  PutText(&out, e.subject.record);
  PutU32(&out, static_cast<uint32_t>(e.fields.size()));
  for (const auto& f : e.fields) PutText(&out, f);
  PutText(&out, e.purpose);
  PutText(&out, e.legal_basis);
  PutText(&out, e.consent_ref);
  out.push_back(static_cast<char>(e.decision));
  PutText(&out, e.reason);
  PutText(&out, e.request_id);
  return out;
}

Status PatchEntryPosition(std::string* bytes, uint64_t index, std::string_view id) {
  // Version (1), index (8), id length (4), id: the layout of EncodeEntry's first fields.
  constexpr size_t kIndexAt = 1, kIdLengthAt = 9, kIdAt = 13;
  if (id.size() != kEntryIdSize) {
    return InvalidArgumentError(fmt::format("audit entry id '{}': {} bytes, must be {}", id, id.size(), kEntryIdSize));
  }
  std::string length;
  PutU32(&length, static_cast<uint32_t>(kEntryIdSize));
  if (bytes->size() < kIdAt + kEntryIdSize || bytes->compare(kIdLengthAt, 4, length) != 0) {
    return InvalidArgumentError("audit entry encoding has no id of the log's id length to replace");
  }
  for (int i = 0; i < 8; ++i) (*bytes)[kIndexAt + i] = static_cast<char>((index >> (56 - 8 * i)) & 0xff);
  bytes->replace(kIdAt, kEntryIdSize, id);
  return OkStatus();
}

Result<Entry> DecodeEntry(std::string_view bytes) {
  Reader r(bytes);
  Entry e;
  uint8_t version = 0, decision = 0;
  uint64_t time = 0;
  uint32_t nfields = 0;
  auto bad = [&](std::string_view what) {
    return DataLossError(fmt::format("audit entry encoding ({} bytes): {}", bytes.size(), what));
  };
  if (!r.U8(&version)) return bad("empty");
  if (version != kEntryFormatVersion) return bad(fmt::format("unknown format version {}", version));
  if (!r.U64(&e.index) || !r.Text(&e.id) || !r.U64(&time) || !r.Text(&e.actor.client) || !r.Text(&e.actor.agency) ||
      !r.Text(&e.actor.role) || !r.Text(&e.action) || !r.Text(&e.subject.person_key) ||
      !r.Text(&e.subject.dataset) || !r.Text(&e.subject.record) || !r.U32(&nfields)) {
    return bad("truncated");
  }
  if (nfields > kMaxEntryFields) return bad(fmt::format("{} fields, at most {}", nfields, kMaxEntryFields));
  e.fields.resize(nfields);
  for (auto& f : e.fields) {
    if (!r.Text(&f)) return bad("truncated");
  }
  if (!r.Text(&e.purpose) || !r.Text(&e.legal_basis) || !r.Text(&e.consent_ref) || !r.U8(&decision) ||
      !r.Text(&e.reason) || !r.Text(&e.request_id)) {
    return bad("truncated");
  }
  if (!r.done()) return bad("trailing bytes");
  if (decision > 1) return bad(fmt::format("decision byte {}", decision));
  e.time_micros = static_cast<int64_t>(time);
  e.decision = static_cast<Decision>(decision);
  Status valid = ValidateEntry(e);
  if (!valid.ok()) return bad(valid.message());
  if (e.id.empty()) return bad("empty id");
  return e;
}

}  // namespace ndc::audit

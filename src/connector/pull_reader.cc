#include "connector/pull_reader.h"

#include "catalog/record_validator.h"

#include <fmt/format.h>
#include <openssl/evp.h>

#include "common/crypto.h"
#include "common/json.h"

namespace ndc::connector {

// Incremental SHA-256 (common/crypto.h hashes whole strings only).
struct PullReader::Digest {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  std::string final_hex;
  ~Digest() { EVP_MD_CTX_free(ctx); }
};

PullReader::PullReader(PgSource* source, const PullQuery* query, int64_t page_rows, std::function<Status()> on_page,
                       ingest::ReaderLimits limits)
    : source_(source),
      query_(query),
      page_rows_(page_rows),
      on_page_(std::move(on_page)),
      limits_(limits),
      digest_(std::make_unique<Digest>()) {
  for (const std::string& c : query_->columns) Hash(fmt::format("{}:{}\n", c.size(), c));
}

PullReader::~PullReader() = default;

void PullReader::Hash(std::string_view bytes) {
  if (digest_->ok && EVP_DigestUpdate(digest_->ctx, bytes.data(), bytes.size()) != 1) digest_->ok = false;
}

std::string PullReader::content_sha256() const {
  if (!digest_->final_hex.empty() || !digest_->ok) return digest_->final_hex;
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* copy = EVP_MD_CTX_new();
  bool done = copy != nullptr && EVP_MD_CTX_copy_ex(copy, digest_->ctx) == 1 && EVP_DigestFinal_ex(copy, md, &len) == 1;
  EVP_MD_CTX_free(copy);
  return done ? HexEncode(std::string_view(reinterpret_cast<char*>(md), len)) : std::string();
}

std::string PullReader::Raw(const store::Row& r) const {
  nlohmann::json object = nlohmann::json::object();
  for (size_t i = 0; i < query_->columns.size(); ++i) {
    object[query_->columns[i]] = r.IsNull(i) ? nlohmann::json(nullptr) : nlohmann::json(r.Str(i));
  }
  std::string text = DumpJson(object);
  if (text.size() > limits_.max_raw_bytes) {
    size_t cut = limits_.max_raw_bytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 char
    text.resize(cut);
    text += "…";
  }
  return text;
}

Result<bool> PullReader::Next(ingest::InputRow* row) {
  if (done_) return false;
  if (next_ == page_.size()) {
    if (fetched_ && on_page_) RETURN_IF_ERROR(on_page_());
    ASSIGN_OR_RETURN(page_, source_->Fetch(page_rows_));
    fetched_ = true;
    next_ = 0;
    if (page_.empty()) {
      done_ = true;
      if (!digest_->ok) return InternalError("sha256: OpenSSL digest failed");
      digest_->final_hex = content_sha256();
      return false;
    }
  }
  const store::Row& r = page_[next_++];
  row->line = ++ordinal_;
  row->op.clear();
  row->error.clear();
  row->error_field.clear();
  row->key_values_read = false;
  row->values.resize(query_->field_column.size());
  size_t record_bytes = 0;
  for (size_t f = 0; f < query_->field_column.size(); ++f) {
    const int c = query_->field_column[f];
    if (c < 0 || r.IsNull(static_cast<size_t>(c))) {
      row->values[f].reset();
      continue;
    }
    row->values[f] = r.Str(static_cast<size_t>(c));
    record_bytes += row->values[f]->size();
    if (row->error.empty() && row->values[f]->size() > limits_.max_field_bytes) {
      row->error = fmt::format("column {}: value longer than {} bytes (max_field_bytes)",
                               query_->columns[static_cast<size_t>(c)], limits_.max_field_bytes);
      if (f < query_->field_names.size()) row->error_field = query_->field_names[f];
      row->key_values_read = true;  // every field's value of this row is read; this one is dropped below
    }
  }
  if (row->error.empty() && record_bytes > limits_.max_record_bytes) {
    row->error = fmt::format("row longer than {} bytes (max_record_bytes)", limits_.max_record_bytes);
    row->key_values_read = false;  // no one field at fault
  }
  if (!row->error.empty()) {
    // Not kept: only the report (and the cut raw text) — but values short enough to be a record
    // key stay, so that a snapshot can still tell which record the rejected row was and keep it
    // (a row rejected for another field's size used to refuse the whole snapshot as keyless).
    for (auto& v : row->values) {
      if (v && v->size() > catalog::kMaxSourceKeyBytes) v.reset();
    }
  }
  for (size_t i = 0; i < query_->columns.size(); ++i) {
    if (r.IsNull(i)) {
      Hash("N");
      continue;
    }
    const std::string v = r.Str(i);
    bytes_ += static_cast<int64_t>(v.size());
    Hash(fmt::format("S{}:", v.size()));
    Hash(v);
  }
  Hash("\n");
  row->raw = Raw(r);
  return true;
}

}  // namespace ndc::connector

// HashingSource (input.h): SHA-256 of the bytes passed through, with OpenSSL's incremental EVP
// interface (common/crypto.h only hashes whole strings).
#include <openssl/evp.h>

#include "common/crypto.h"
#include "ingest/formats/input.h"

namespace ndc::ingest {

struct HashingSource::State {
  EVP_MD_CTX* ctx = nullptr;
  bool ok = false;
  std::string final_hex;  // set when the input has ended

  State() : ctx(EVP_MD_CTX_new()) {
    ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1;
  }
  ~State() { EVP_MD_CTX_free(ctx); }
  State(const State&) = delete;
  State& operator=(const State&) = delete;

  // Finishes a copy of the context, so hashing can go on after a peek.
  std::string Peek() const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    bool done =
        copy != nullptr && EVP_MD_CTX_copy_ex(copy, ctx) == 1 && EVP_DigestFinal_ex(copy, md, &len) == 1;
    EVP_MD_CTX_free(copy);
    return done ? HexEncode(std::string_view(reinterpret_cast<char*>(md), len)) : std::string();
  }
};

HashingSource::HashingSource(std::unique_ptr<ByteSource> inner)
    : inner_(std::move(inner)), state_(std::make_unique<State>()) {}
HashingSource::~HashingSource() = default;

Result<size_t> HashingSource::Read(char* buf, size_t n) {
  if (!state_->ok) return InternalError("sha256: cannot initialize OpenSSL digest");
  ASSIGN_OR_RETURN(size_t got, inner_->Read(buf, n));
  if (got > 0) {
    if (EVP_DigestUpdate(state_->ctx, buf, got) != 1) return InternalError("sha256: digest update failed");
  } else if (n > 0 && state_->final_hex.empty()) {
    state_->final_hex = state_->Peek();
  }
  return got;
}

std::string HashingSource::digest() const {
  if (!state_->final_hex.empty()) return state_->final_hex;
  return state_->ok ? state_->Peek() : std::string();
}

}  // namespace ndc::ingest

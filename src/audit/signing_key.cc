#include "audit/signing_key.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "common/crypto.h"

namespace ndc::audit {
namespace {

Result<std::string> ReadBase64File(const std::string& path, size_t want, std::string_view what) {
  std::ifstream in(path);
  if (!in) return NotFoundError(fmt::format("cannot read {} '{}'", what, path));
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) text.pop_back();
  auto bytes = Base64Decode(text);
  if (!bytes.ok() || bytes->size() != want) {
    return InvalidArgumentError(fmt::format("{} '{}' is not the base64 of {} bytes", what, path, want));
  }
  return *bytes;
}

}  // namespace

Result<SigningKey> LoadSigningKey(const std::string& path) {
  ASSIGN_OR_RETURN(std::string secret, ReadBase64File(path, 64, "signing key"));
  // Whoever can read the key can sign a forked history of the log: as ssh with a private key,
  // a key file open to the group or to others is refused, not used.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return NotFoundError(fmt::format("cannot stat signing key '{}'", path));
  if ((st.st_mode & 077) != 0) {
    return FailedPreconditionError(fmt::format(
        "signing key '{}' has mode {:04o}: it is open to the group or to others, and whoever reads it can sign a "
        "forked audit history; make it readable by the hub's user alone (chmod 600 '{}') and start again",
        path, st.st_mode & 07777, path));
  }
  SigningKey key{secret, secret.substr(32)};
  // The public half is stored beside the seed; a key whose halves disagree would sign
  // checkpoints nobody can verify.
  auto sig = Ed25519Sign(key.secret_key, "ndc signing key check");
  if (!sig.ok() || !Ed25519Verify(key.public_key, "ndc signing key check", *sig)) {
    return InvalidArgumentError(fmt::format("signing key '{}' is inconsistent (public half does not match)", path));
  }
  return key;
}

Result<std::string> LoadPublicKey(const std::string& path) { return ReadBase64File(path, 32, "public key"); }

}  // namespace ndc::audit

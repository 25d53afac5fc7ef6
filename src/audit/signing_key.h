// Loading the checkpoint signing key written by `ndc init`: <data>/keys/signing.key holds the
// base64 of libsodium's 64-byte Ed25519 secret key (seed || public key), mode 0600;
// <data>/keys/signing.pub the base64 of the 32-byte public key. Thread-safe.
#pragma once

#include <string>

#include "audit/checkpoint.h"
#include "common/result.h"

namespace ndc::audit {

// kNotFound if the file does not exist; kFailedPrecondition if its mode grants anything to the
// group or to others (it must be 0600 or 0400); kInvalidArgument if it is not a base64 64-byte
// key whose public half matches its seed.
Result<SigningKey> LoadSigningKey(const std::string& path);
// kNotFound if missing; kInvalidArgument unless base64 of 32 bytes.
Result<std::string> LoadPublicKey(const std::string& path);

}  // namespace ndc::audit

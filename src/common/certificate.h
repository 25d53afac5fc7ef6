// Client-certificate fingerprints for mutual TLS: an API key may be bound to one certificate,
// named by the SHA-256 of its DER encoding (what `openssl x509 -fingerprint -sha256` prints).
// docs/design/api-keys.md ("Certificate binding").
#pragma once

#include <string>
#include <string_view>

#include "common/result.h"

namespace ndc {

// The fingerprint of the first certificate in `pem` (a PEM file's text), as 64 lower-case hex
// digits. kInvalidArgument if `pem` holds no readable certificate.
Result<std::string> CertificateSha256FromPem(std::string_view pem);
// The fingerprint of a DER-encoded certificate (the bytes, no parsing): 64 lower-case hex digits.
std::string CertificateSha256FromDer(std::string_view der);
// A fingerprint as an operator may write it ("AB:CD:...", upper or lower case, with or without
// colons) in the canonical form: 64 lower-case hex digits. kInvalidArgument otherwise.
Result<std::string> NormalizeCertificateSha256(std::string_view text);

}  // namespace ndc

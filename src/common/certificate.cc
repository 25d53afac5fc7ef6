#include "common/certificate.h"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <memory>

#include "common/crypto.h"

namespace ndc {

std::string CertificateSha256FromDer(std::string_view der) { return HexEncode(Sha256(der)); }

Result<std::string> CertificateSha256FromPem(std::string_view pem) {
  if (pem.size() > (1u << 20)) return InvalidArgumentError("certificate: a PEM file of more than 1 MiB is not one certificate");
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return InternalError("certificate: out of memory");
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr),
                                                   X509_free);
  if (!cert) {
    return InvalidArgumentError(
        "certificate: no PEM certificate found (expected a block starting with -----BEGIN CERTIFICATE-----)");
  }
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  if (len <= 0) return InvalidArgumentError("certificate: could not encode the certificate as DER");
  std::string out = CertificateSha256FromDer(std::string_view(reinterpret_cast<const char*>(der), static_cast<size_t>(len)));
  OPENSSL_free(der);
  return out;
}

Result<std::string> NormalizeCertificateSha256(std::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':') continue;
    if (HexDigitValue(c) < 0) {
      return InvalidArgumentError("certificate fingerprint: expected 64 hex digits (SHA-256 of the DER certificate, "
                                  "colons allowed), e.g. from `openssl x509 -noout -fingerprint -sha256 -in client.pem`");
    }
    hex.push_back(static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c));
  }
  if (hex.size() != 64) {
    return InvalidArgumentError("certificate fingerprint: expected 64 hex digits (SHA-256), got " +
                                std::to_string(hex.size()));
  }
  return hex;
}

}  // namespace ndc

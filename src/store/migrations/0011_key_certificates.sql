-- 0011_key_certificates: optional binding of an API key to a client certificate (mutual TLS).
--
-- cert_sha256 is the SHA-256 fingerprint of the certificate's DER encoding, 64 lower-case hex
-- digits; NULL for a key usable without a certificate (every key created before this
-- migration). A bound key is accepted only on a TLS connection whose verified client
-- certificate has this fingerprint (src/auth/api_keys.h, docs/design/api-keys.md).
ALTER TABLE api_keys ADD COLUMN cert_sha256 TEXT;

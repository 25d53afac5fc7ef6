// Text that came from a request (a record key, a person key in a path) as it is written into an
// audit entry: valid UTF-8 without control characters, bounded — audit::ValidateEntry's rules —
// whatever the client sent. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace ndc::api {

// Control characters (the U+001F of composite keys), '%' and, in text that is not UTF-8, every
// non-ASCII byte percent-encoded — the form the text takes in a URL; cut at about 1 KiB.
std::string AuditText(std::string_view text, size_t max_bytes = 1024);

}  // namespace ndc::api

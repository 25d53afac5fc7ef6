// COPY ... FROM STDIN (FORMAT binary) rows for PgConnection::BulkInsert. In binary, the server
// takes each value as it is stored instead of parsing its text: about a third less server CPU
// for a national first load (docs/design/store.md, "Bulk insert"). Pure; thread-safe.
//
// The encoding must store exactly what the text path would, so it covers only conversions that
// are exact by construction: int64 into int2/int4/int8 (in range) and into boolean (0 or 1),
// double into float8, text into text and varchar (other values as their text form), a
// canonical "YYYY-MM-DD" into date, a Blob into bytea, and NULL anywhere. For anything else (a
// numeric or timestamp column, a string in an integer column, a date in another spelling) it
// returns nullopt and the caller sends the rows in text format, where the server accepts or
// refuses them with its own message, as before.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>

#include "store/store.h"

namespace ndc::store {

// A COPY binary stream.
struct CopyStream {
  std::unique_ptr<char[]> bytes;
  size_t size = 0;
  std::string_view view() const { return {bytes.get(), size}; }
};

// The whole COPY binary stream (signature, header, rows, trailer) of `rows`, each of
// `column_types.size()` values, the i-th value of a row going to a column of type OID
// column_types[i]; nullopt if the rows are not of that shape, or some column or value is
// outside what the binary path converts.
std::optional<CopyStream> EncodeCopyBinary(std::span<const unsigned> column_types, const BulkRows& rows);

// The same stream in parts, for a COPY whose rows come in several calls (PgConnection's bulk
// inserter): the header, the rows of each call, the trailer.
std::string_view CopyBinaryHeader();
std::string_view CopyBinaryTrailer();
// The most bytes PutCopyBinaryRows writes for `rows`; nullopt if a value is too large for the
// binary path (over 1 GB).
std::optional<size_t> CopyBinaryRowsBound(const BulkRows& rows);
// Writes `rows` (of column_types.size() values each, every type SupportedType) from `at`, which
// has room for CopyBinaryRowsBound(rows) bytes; returns the end of what it wrote, or nullptr if
// a value does not convert exactly (the bytes written up to it are then meaningless).
char* PutCopyBinaryRows(std::span<const unsigned> column_types, const BulkRows& rows, char* at);

// Whether the binary path writes columns of type `oid` at all (int2/4/8, boolean, float8, date,
// bytea, text, varchar).
bool SupportedType(unsigned oid);

// Days from 2000-01-01 (PostgreSQL's date epoch) of a canonical "YYYY-MM-DD" (years 0001-9999,
// a real calendar day); nullopt otherwise.
std::optional<int32_t> PgDateFromIso(std::string_view text);

}  // namespace ndc::store

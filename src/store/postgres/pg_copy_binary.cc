#include "store/postgres/pg_copy_binary.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>

#include "store/postgres/pg_values.h"

namespace ndc::store {
namespace {

static_assert(std::endian::native == std::endian::little, "the writer swaps to network order unconditionally");

// Larger text or bytes go as text COPY, where the server refuses them in its own words (a
// field's length word is 32 bits, and PostgreSQL takes at most 1 GB per value).
constexpr size_t kMaxField = size_t{1} << 30;

// Writes into a buffer sized beforehand (EncodeCopyBinary's bound): no growth, no byte-wise
// appends, in a loop that runs for every value of a national load.
class Writer {
 public:
  explicit Writer(char* at) : at_(at) {}
  void U16(uint16_t v) { Raw(__builtin_bswap16(v)); }
  void U32(uint32_t v) { Raw(__builtin_bswap32(v)); }
  void U64(uint64_t v) { Raw(__builtin_bswap64(v)); }
  void Field(std::string_view bytes) {
    U32(static_cast<uint32_t>(bytes.size()));
    std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void Byte(char c) { *at_++ = c; }
  char* at() const { return at_; }

 private:
  template <typename T>
  void Raw(T v) {
    std::memcpy(at_, &v, sizeof v);
    at_ += sizeof v;
  }
  char* at_;
};

// The most bytes PutValue can write for `v` (length word included).
size_t Bound(const Value& v) {
  if (const auto* s = std::get_if<std::string>(&v)) return 4 + s->size();
  if (const auto* b = std::get_if<Blob>(&v)) return 4 + 2 + 2 * b->bytes.size();  // hex text in a text column
  return 4 + 40;  // a number, binary or as text
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// An integer column of width T: the value in network order, if it is an int64 within T's range.
template <typename T>
bool PutInteger(Writer& w, const int64_t* i) {
  if (i == nullptr || *i < std::numeric_limits<T>::min() || *i > std::numeric_limits<T>::max()) return false;
  using U = std::make_unsigned_t<T>;
  w.U32(sizeof(T));
  const auto bits = static_cast<U>(static_cast<T>(*i));
  if constexpr (sizeof(T) == 8) {
    w.U64(bits);
  } else if constexpr (sizeof(T) == 4) {
    w.U32(bits);
  } else {
    w.U16(bits);
  }
  return true;
}

// Writes one non-NULL value for a column of type `oid`; false if the binary path does not
// convert it.
bool PutValue(Writer& w, unsigned oid, const Value& v) {
  const auto* i = std::get_if<int64_t>(&v);
  const auto* s = std::get_if<std::string>(&v);
  switch (oid) {
    case kPgInt8:
      return PutInteger<int64_t>(w, i);
    case kPgInt4:
      return PutInteger<int32_t>(w, i);
    case kPgInt2:
      return PutInteger<int16_t>(w, i);
    case kPgBool:
      if (i == nullptr || (*i != 0 && *i != 1)) return false;
      w.U32(1);
      w.Byte(static_cast<char>(*i));
      return true;
    case kPgFloat8: {
      const auto* d = std::get_if<double>(&v);
      if (d == nullptr) return false;
      w.U32(8);
      // One NaN, as the text path's "NaN" gives: not the payload or sign a computation left.
      w.U64(std::isnan(*d) ? std::bit_cast<uint64_t>(std::numeric_limits<double>::quiet_NaN())
                           : std::bit_cast<uint64_t>(*d));
      return true;
    }
    case kPgDate: {
      if (s == nullptr) return false;
      std::optional<int32_t> days = PgDateFromIso(*s);
      if (!days) return false;
      w.U32(4);
      w.U32(static_cast<uint32_t>(*days));
      return true;
    }
    case kPgBytea: {
      const auto* b = std::get_if<Blob>(&v);
      if (b == nullptr) return false;
      w.Field(b->bytes);
      return true;
    }
    case kPgText:
    case kPgVarchar:
      if (s != nullptr) {
        w.Field(*s);
      } else if (i != nullptr) {
        char digits[24];
        auto [end, ec] = std::to_chars(digits, digits + sizeof digits, *i);
        w.Field(std::string_view(digits, static_cast<size_t>(end - digits)));
      } else {
        // A double or a Blob as the text path spells it (within Bound: shortest round-trip
        // doubles have at most 24 characters, a Blob's hex 2 + 2 per byte; checked all the same,
        // since the buffer was sized by it).
        const std::string text = *EncodePgParam(v).text;
        if (text.size() + 4 > Bound(v)) return false;
        w.Field(text);
      }
      return true;
    default:
      return false;
  }
}

}  // namespace

bool SupportedType(unsigned oid) {
  switch (oid) {
    case kPgInt8:
    case kPgInt4:
    case kPgInt2:
    case kPgBool:
    case kPgFloat8:
    case kPgDate:
    case kPgBytea:
    case kPgText:
    case kPgVarchar:
      return true;
    default:
      return false;
  }
}

std::optional<int32_t> PgDateFromIso(std::string_view t) {
  if (t.size() != 10 || t[4] != '-' || t[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int k = 0; k < lengths[p]; ++k) {
      const char c = t[static_cast<size_t>(starts[p] + k)];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  const int y = parts[0], m = parts[1], d = parts[2];
  if (y < 1 || m < 1 || m > 12 || d < 1) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[m - 1] + (m == 2 && leap ? 1 : 0)) return std::nullopt;
  return static_cast<int32_t>(DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d)) -
                              DaysFromCivil(2000, 1, 1));
}

namespace {
constexpr char kSignature[] = "PGCOPY\n\xff\r\n";  // and its NUL
// The signature, no flags (no OIDs), no header extension.
constexpr char kHeader[] = "PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
static_assert(sizeof kHeader - 1 == sizeof kSignature + 8);
constexpr char kTrailer[] = "\xff\xff";  // a field count of -1
}  // namespace

std::string_view CopyBinaryHeader() { return std::string_view(kHeader, sizeof kHeader - 1); }
std::string_view CopyBinaryTrailer() { return std::string_view(kTrailer, sizeof kTrailer - 1); }

std::optional<size_t> CopyBinaryRowsBound(const BulkRows& rows) {
  size_t bound = 2 * rows.rows();  // each row's field count
  for (size_t r = 0; r < rows.rows(); ++r) {
    for (std::span<const Value> part : {rows.head(r), rows.tail(r)}) {
      for (const Value& v : part) {
        const size_t b = Bound(v);
        if (b > kMaxField) return std::nullopt;
        bound += b;
      }
    }
  }
  return bound;
}

char* PutCopyBinaryRows(std::span<const unsigned> column_types, const BulkRows& rows, char* at) {
  const size_t ncol = column_types.size();
  Writer w(at);
  for (size_t r = 0; r < rows.rows(); ++r) {
    w.U16(static_cast<uint16_t>(ncol));
    size_t c = 0;
    for (std::span<const Value> part : {rows.head(r), rows.tail(r)}) {
      for (const Value& v : part) {
        const unsigned type = column_types[c++];
        if (const auto* s = std::get_if<std::string>(&v); s != nullptr && (type == kPgText || type == kPgVarchar)) {
          w.Field(*s);  // the common case, inline
        } else if (std::holds_alternative<std::monostate>(v)) {
          w.U32(0xffffffffu);  // -1: NULL
        } else if (!PutValue(w, type, v)) {
          return nullptr;
        }
      }
    }
  }
  return w.at();
}

std::optional<CopyStream> EncodeCopyBinary(std::span<const unsigned> column_types, const BulkRows& rows) {
  const size_t ncol = column_types.size();
  if (ncol > static_cast<size_t>(std::numeric_limits<int16_t>::max()) || !rows.ShapeError(ncol).empty()) {
    return std::nullopt;
  }
  for (unsigned type : column_types) {
    if (!SupportedType(type)) return std::nullopt;  // before any work: the call goes as text
  }
  const std::optional<size_t> rows_bound = CopyBinaryRowsBound(rows);
  if (!rows_bound) return std::nullopt;
  const std::string_view header = CopyBinaryHeader(), trailer = CopyBinaryTrailer();
  // Not zero-filled first: every byte up to the end is written below.
  CopyStream out{std::unique_ptr<char[]>(new char[header.size() + *rows_bound + trailer.size()]), 0};
  char* at = out.bytes.get();
  std::memcpy(at, header.data(), header.size());
  at = PutCopyBinaryRows(column_types, rows, at + header.size());
  if (at == nullptr) return std::nullopt;
  std::memcpy(at, trailer.data(), trailer.size());
  out.size = static_cast<size_t>(at + trailer.size() - out.bytes.get());
  return out;
}

}  // namespace ndc::store

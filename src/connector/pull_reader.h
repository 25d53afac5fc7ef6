// PullReader: an ingest::RowReader over a connector's source cursor, so that a pull is applied
// by Ingestor::IngestRows exactly like a file (validation, rejects, chunks, one transaction).
//
// Rows are fetched `page_rows` at a time (memory: one page). Each row becomes an InputRow with
// the values of the schema's fields in schema order (NULL -> missing), `line` = the row's
// ordinal in the pull (1-based), `raw` = the row as a one-line JSON object of its source
// columns (cut to ReaderLimits::max_raw_bytes) for reject reports, and no `_op` (every row is an
// upsert; deletions come from snapshot pulls).
//
// content_sha256() is the SHA-256 of a canonical encoding of the rows read: the column names,
// then per row per column "N" for NULL or "S<len>:<bytes>", rows ended by "\n". bytes_consumed()
// counts value bytes; bytes_total() is unknown (-1).
//
// `on_page` runs before each fetch after the first (the connector renews its claim there); an
// error from it, or from the fetch, ends the read with that error. Thread-compatible.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "connector/pg_source.h"
#include "ingest/formats/row_reader.h"

namespace ndc::connector {

class PullReader final : public ingest::RowReader {
 public:
  // `source` has its cursor open; it and `query` must outlive the reader.
  // `limits` as for files: a value longer than max_field_bytes, or a row whose values together
  // pass max_record_bytes, is a rejected row (its values are not kept); max_raw_bytes cuts the
  // row's text kept for the reject report.
  PullReader(PgSource* source, const PullQuery* query, int64_t page_rows, std::function<Status()> on_page,
             ingest::ReaderLimits limits = {});
  ~PullReader() override;

  Result<bool> Next(ingest::InputRow* row) override;
  int64_t bytes_consumed() const override { return bytes_; }
  int64_t bytes_total() const override { return -1; }
  std::string content_sha256() const override;

  int64_t rows_read() const { return ordinal_; }

 private:
  void Hash(std::string_view bytes);
  std::string Raw(const store::Row& r) const;

  PgSource* source_;
  const PullQuery* query_;
  const int64_t page_rows_;
  std::function<Status()> on_page_;
  const ingest::ReaderLimits limits_;

  std::vector<store::Row> page_;
  size_t next_ = 0;
  bool fetched_ = false, done_ = false;
  int64_t ordinal_ = 0, bytes_ = 0;
  struct Digest;
  std::unique_ptr<Digest> digest_;
};

}  // namespace ndc::connector

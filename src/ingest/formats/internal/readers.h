// Internal: the two RowReader implementations, opened by OpenRowReader (row_reader.h) over a
// source that is already decompressed and hashed.
#pragma once

#include <memory>

#include "catalog/schema.h"
#include "common/result.h"
#include "ingest/formats/input.h"
#include "ingest/formats/row_reader.h"

namespace ndc::ingest::internal {

// Reads and checks the header now (the errors of OpenRowReader).
Result<std::unique_ptr<RowReader>> OpenCsvReader(std::unique_ptr<HashingSource> source,
                                                 const catalog::DatasetSchema& schema,
                                                 const ReaderOptions& options);
std::unique_ptr<RowReader> OpenNdjsonReader(std::unique_ptr<HashingSource> source,
                                            const catalog::DatasetSchema& schema,
                                            const ReaderOptions& options);

}  // namespace ndc::ingest::internal

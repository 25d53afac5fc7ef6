// The naive reference: RFC 6962 §2.1 written as its recursive definitions (MTH, PATH, PROOF and
// SUBPROOF) over the leaf data, with no caching, frontier or storage. The incremental tree and the
// proof generator are tested against it (src/audit/merkle/*_test.cc), and it generates the JSON
// test vectors in testdata/. Quadratic-ish; for tests and tools only. Pure; thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "audit/merkle/hash.h"

namespace ndc::merkle::reference {

// MTH(D[n]).
Hash Root(std::span<const std::string> leaves);
// PATH(m, D[n]); requires m < n.
std::vector<Hash> Inclusion(uint64_t m, std::span<const std::string> leaves);
// PROOF(m, D[n]); requires 0 < m < n (empty otherwise).
std::vector<Hash> Consistency(uint64_t m, std::span<const std::string> leaves);

}  // namespace ndc::merkle::reference

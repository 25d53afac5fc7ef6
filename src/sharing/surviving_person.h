// sharing/surviving_person: the person a key stands for now, inside a writing transaction.
// A consent grant or correction request resolves its person before its transaction begins; a
// merge committed in between moved that person's consents and requests to the survivor
// (person::MovePersonReferences, which takes the same turns: consents.live:<key>,
// corrections.open:<key>). Called after the turn is taken, this finds the survivor.
#pragma once

#include <string>

#include "common/result.h"
#include "store/store.h"

namespace ndc::sharing {

// `key` if it is not a merged person (or not a person at all: the caller decides what that
// means); else the person its merges lead to (merged_into, followed). kDataLoss for a chain
// longer than 64 (a cycle).
Result<std::string> SurvivingPerson(store::Executor& tx, const std::string& key);

}  // namespace ndc::sharing

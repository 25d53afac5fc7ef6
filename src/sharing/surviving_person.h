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

// Takes the turn `prefix + key` (store::SerializeOn), then follows `key`'s merges, taking each
// survivor's turn and looking again from it, until the person whose turn it holds is not merged;
// returns that person. Looking again matters: a merge of the survivor itself may have held the
// survivor's turn and committed while this waited for it (A merged into B before, B being merged
// into C now: found B, waited, B's consents went to C).
Result<std::string> TakeTurnOfSurvivor(store::Executor& tx, const std::string& prefix, const std::string& key);

}  // namespace ndc::sharing

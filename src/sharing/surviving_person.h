// sharing/surviving_person: the person a key stands for now, inside a writing transaction.
// A consent grant or correction request resolves its person before its transaction begins; a
// merge committed in between moved that person's consents and requests to the survivor
// (person::MovePersonReferences, which takes the same turns: consents.live:<key>,
// corrections.open:<key>), and a split in flight may be giving one of its merged persons back
// (person::GiveBackConsents / GiveBackCorrections take that person's turn). Starting from the
// key's own person, TakeTurnOfSurvivor finds where the grant or request belongs.
#pragma once

#include <string>

#include "common/result.h"
#include "store/store.h"

namespace ndc::sharing {

// Takes the turn `prefix + key` (store::SerializeOn), then follows `key`'s merges one at a time,
// taking each next person's turn before reading its row, until the person whose turn it holds
// is not merged; returns that person. Each turn matters: a merge of a person on the way may
// have held its turn and committed while this waited (A merged into B before, B being merged
// into C now: found B, waited, B's consents went to C), and a split giving back a person on the
// way holds that person's turn (A merged into B into C, B given back now: waited at B, B is
// active again).
Result<std::string> TakeTurnOfSurvivor(store::Executor& tx, const std::string& prefix, const std::string& key);

}  // namespace ndc::sharing

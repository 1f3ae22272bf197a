/**
 * Changes of workflow shape, each behind its own `patched()` id so that histories recorded
 * before it replay on the code path they were recorded with. Each is asked lazily, only
 * where the new behaviour differs from the old, so a run that never meets the situation
 * carries no marker for it.
 */

/** Database writes became local activities. */
export const LOCAL_DB_ACTIVITIES_PATCH = 'db-writes-as-local-activities';
/** "Money may have moved" is cleared only by MoniMe's answer for the round's key. */
export const STICKY_TRANSFER_MAY_EXIST_PATCH = 'sticky-transfer-may-exist';
/** A cancel during the operator wait after a failed transfer is decided there, once. */
export const CANCEL_DECIDED_BY_OPERATOR_WAIT_PATCH = 'cancel-decided-by-operator-wait';
/** The run ends outside its cancelled scope, so a refused cancel ends COMPLETED. */
export const FINISH_OUTSIDE_CANCELLED_SCOPE_PATCH = 'finish-outside-cancelled-scope';
/** MoniMe's `pending` with no transfer id proves nothing failed: the round and its key are kept. */
export const UNCONFIRMED_TRANSFER_KEEPS_ROUND_PATCH = 'unconfirmed-transfer-keeps-round';
/** An operator message answers the situation it was sent in; later it is ignored. */
export const STALE_OPERATOR_MESSAGES_PATCH = 'stale-operator-messages-ignored';
/**
 * The happy path in two workflow tasks: search attributes set at start are changed only when
 * their value changes, and the last status write hands the audit trail to its batcher (no
 * signal, and no workflow task to learn the signal was delivered).
 */
export const TWO_TASK_HAPPY_PATH_PATCH = 'two-task-happy-path';

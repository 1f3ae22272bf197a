/**
 * Changes of the audit batcher's shape, each asked lazily where the new behaviour departs from
 * the old, so that histories recorded before them replay on the path they were recorded with.
 */

/** A malformed payload item is dropped and dead-lettered; a failing batch is split and its refused events set aside. */
export const AUDIT_POISON_SAFE_PATCH = 'audit-batcher-poison-safe';
/** A run that must hand over writes only what was buffered when it had to; what arrives meanwhile travels with it. */
export const AUDIT_BOUNDED_DRAIN_PATCH = 'audit-batcher-bounded-drain';

/**
 * The contract between fareflow's sides: what workflows, activities, the API, the database
 * layer and the ops CLI all speak. Types, names, signal and query definitions, and the pure
 * derivations both sides must agree on — nothing that does I/O, so workflow code may import
 * it. The external half of it is written out in docs/CONTRACT.md.
 */
export * from './activities';
export * from './audit';
export * from './ids';
export * from './messages';
export * from './money';
export * from './operator';
export * from './reservation';
export * from './searchAttributes';
export * from './transaction';
export * from './workflows';

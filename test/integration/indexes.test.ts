/**
 * Money and audit safety, point 12: the indexes match the queries that run. Every query
 * function of db/queries/ (the API's, the workers', the ops CLI's) is EXPLAINed, with the
 * parameters it really sends, on a scratch database of 20,000 transactions and proportional
 * tickets, payment codes, transfers and audit events after ANALYZE (db/explain.ts, the same
 * routine as `npm run db:explain`, which uses 100,000).
 */
import { explainQueries, formatReport, type ExplainReport } from '../../db/explain';

let report: ExplainReport;
beforeAll(async () => {
  report = await explainQueries({ serverUrl: 'postgres://postgres@127.0.0.1:5432/postgres', transactions: 20_000 });
}, 60_000);

it('explains every query function there is', () => {
  expect(report.uncovered).toEqual([]);
  // A statement sent as a query config (a prepared statement) is explained like one sent as text.
  expect(report.unexplained).toEqual([]);
  expect(report.statements.length).toBeGreaterThan(30);
  expect(report.rowCounts.transactions).toBe(20_000);
});

it('reads no big table with a sequential scan', () => {
  const seqScans = report.statements
    .filter((statement) => statement.seqScans.length > 0)
    .map(({ query, statement, seqScans }) => `${query} (${statement}): ${seqScans.join(', ')}`);
  expect(seqScans).toEqual([]);
});

it('keeps no index that no statement uses, except those that enforce a uniqueness rule', () => {
  const unused = report.unusedIndexes.filter((index) => !index.enforcesUniqueness).map(({ table, index }) => `${table}.${index}`);
  if (unused.length) process.stderr.write(`${formatReport(report)}\n`);
  expect(unused).toEqual([]);
});

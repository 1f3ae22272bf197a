import os from 'node:os';
import { Command } from 'commander';
import { TransactionStatusKey } from '../contract';
import { listStuck } from './commands/stuck';
import { showTransaction } from './commands/show';
import { cancelTransaction, decisionOf, resolveTransaction, retryTransfer } from './commands/signals';
import { showBatchers } from './commands/batchers';
import { OpsError, openOpsContext, type OpsContext } from './context';

/** Each command opens the connections it needs and closes them, whatever happens. */
function withContext<A extends unknown[]>(action: (ctx: OpsContext, ...args: A) => Promise<void>) {
  return async (...args: A) => {
    const ctx = await openOpsContext();
    try {
      await action(ctx, ...args);
    } finally {
      await ctx.close();
    }
  };
}

const operatorDefault = os.userInfo().username;
const program = new Command('ops').description('fareflow operations: find, inspect and fix stuck transactions').showHelpAfterError();

program
  .command('stuck')
  .description(`transactions waiting for an operator (${TransactionStatusKey.name}="needs_attention")`)
  .option('--company <id>', 'only this company')
  .option('--reason <reason>', 'only this reason, e.g. amount_mismatch, transfer_failed, stalled')
  .option('--json', 'machine-readable output')
  .action(withContext((ctx, opts) => listStuck(ctx, opts)));

program
  .command('show <transactionId>')
  .description('status (workflow query) and audit trail of one transaction')
  .option('--json', 'machine-readable output')
  .action(withContext((ctx, id: string, opts) => showTransaction(ctx, id, opts)));

program
  .command('retry <transactionId>')
  .description('signal retryTransfer: try the transfer again (or ask MoniMe for its status)')
  .option('--operator <name>', 'who decided', operatorDefault)
  .option('--note <text>', 'why')
  .option('--json', 'machine-readable output')
  .action(withContext((ctx, id: string, opts) => retryTransfer(ctx, id, opts)));

program
  .command('resolve <transactionId>')
  .description('signal resolve: --accept issues the ticket for the amount paid, --reject marks it for refund')
  .option('--accept', 'accept the payment as it came')
  .option('--reject', 'reject it: refund due, no transfer')
  .requiredOption('--note <text>', 'why (kept in the audit trail)')
  .option('--operator <name>', 'who decided', operatorDefault)
  .option('--json', 'machine-readable output')
  .hook('preAction', (command) => void decisionOf(command.opts()))
  .action(withContext((ctx, id: string, opts) => resolveTransaction(ctx, id, opts)));

program
  .command('cancel <transactionId>')
  .description('Temporal cancel: ticket released, no transfer — refused once money may have moved')
  .requiredOption('--reason <text>', 'why (kept in the audit trail)')
  .option('--operator <name>', 'who decided', operatorDefault)
  .option('--json', 'machine-readable output')
  .action(withContext((ctx, id: string, opts) => cancelTransaction(ctx, id, opts)));

program
  .command('batchers')
  .description('audit batcher shards: buffered events, total flushed, last flush')
  .option('--json', 'machine-readable output')
  .action(withContext((ctx, opts) => showBatchers(ctx, opts)));

program.parseAsync(process.argv).catch((error) => {
  process.stderr.write(`ops: ${error instanceof OpsError ? error.message : ((error as Error).stack ?? error)}\n`);
  process.exit(error instanceof OpsError ? 2 : 1);
});

import type { MonimeTransferStatus } from '../contract';
import type { MonimeAmount } from '../monime/types';

export interface LedgerTransfer {
  id: string;
  idempotencyKey: string;
  amount: MonimeAmount;
  source: string;
  destination: string;
  metadata: Record<string, string>;
  status: MonimeTransferStatus;
  /** ms since epoch: rate-limit tests read windows off these. */
  createdAt: number;
  settledAt: number | null;
}

/** The simulator's memory of money: what was asked, what moved, where it is. */
export class Ledger {
  private readonly transfers = new Map<string, LedgerTransfer>();
  private readonly posts = new Map<string, number>();
  private readonly postTimes = new Map<string, number[]>();
  private readonly balances = new Map<string, number>();

  countPost(idempotencyKey: string): void {
    this.posts.set(idempotencyKey, (this.posts.get(idempotencyKey) ?? 0) + 1);
    this.postTimes.set(idempotencyKey, [...(this.postTimes.get(idempotencyKey) ?? []), Date.now()]);
  }

  /** When each POST with this key arrived (ms since epoch): retry spacing is read off these. */
  postTimesByIdempotencyKey(idempotencyKey: string): number[] {
    return this.postTimes.get(idempotencyKey) ?? [];
  }

  postsByIdempotencyKey(idempotencyKey: string): number {
    return this.posts.get(idempotencyKey) ?? 0;
  }

  totalPosts(): number {
    let total = 0;
    for (const count of this.posts.values()) total += count;
    return total;
  }

  credit(accountId: string, value: number): void {
    this.balances.set(accountId, (this.balances.get(accountId) ?? 0) + value);
  }

  addTransfer(transfer: LedgerTransfer): void {
    this.transfers.set(transfer.id, transfer);
    if (transfer.status === 'completed') this.move(transfer);
  }

  /** Money moves once, when a transfer first becomes completed. */
  settle(id: string, status: 'completed' | 'failed'): LedgerTransfer | undefined {
    const transfer = this.transfers.get(id);
    if (!transfer || transfer.status === 'completed' || transfer.status === 'failed') return transfer;
    transfer.status = status;
    transfer.settledAt = Date.now();
    if (status === 'completed') this.move(transfer);
    return transfer;
  }

  get(id: string): LedgerTransfer | undefined {
    return this.transfers.get(id);
  }

  all(): LedgerTransfer[] {
    return [...this.transfers.values()];
  }

  distinctTransfers(): number {
    return this.transfers.size;
  }

  transfersForTransaction(transactionId: string): LedgerTransfer[] {
    return this.all().filter((transfer) => transfer.metadata.transactionId === transactionId);
  }

  balance(accountId: string): number {
    return this.balances.get(accountId) ?? 0;
  }

  /** Sum of completed transfers into an account. */
  totalMovedTo(accountId: string): number {
    return this.all()
      .filter((transfer) => transfer.destination === accountId && transfer.status === 'completed')
      .reduce((sum, transfer) => sum + transfer.amount.value, 0);
  }

  snapshot() {
    return {
      distinctTransfers: this.distinctTransfers(),
      totalPosts: this.totalPosts(),
      postsByIdempotencyKey: Object.fromEntries(this.posts),
      balances: Object.fromEntries(this.balances),
      transfers: this.all(),
    };
  }

  private move(transfer: LedgerTransfer): void {
    transfer.settledAt ??= Date.now();
    this.credit(transfer.source, -transfer.amount.value);
    this.credit(transfer.destination, transfer.amount.value);
  }
}

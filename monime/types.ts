/** The subset of MoniMe's API objects (version caph.2025-08-23) that fareflow uses. */
import type { MonimeTransferStatus } from '../contract';

export interface MonimeAmount {
  currency: string;
  /** Minor units. */
  value: number;
}

export interface MonimeEnvelope<T> {
  success: boolean;
  messages: unknown[];
  result: T | null;
  error?: MonimeErrorBody | null;
}

export interface MonimeErrorBody {
  code: number;
  reason: string;
  message: string;
  details?: unknown[];
}

export type PaymentCodeStatus = 'pending' | 'processing' | 'expired' | 'completed' | 'cancelled';

export interface PaymentCode {
  id: string;
  mode: 'one_time' | 'recurrent';
  status: PaymentCodeStatus;
  name: string | null;
  amount: MonimeAmount;
  enable: boolean;
  expireTime: string;
  customer: { name: string | null } | null;
  ussdCode: string;
  reference: string | null;
  financialAccountId: string | null;
  processedPaymentData: {
    amount: MonimeAmount;
    orderId?: string | null;
    paymentId: string;
    orderNumber?: string | null;
    financialTransactionReference?: string | null;
    metadata?: Record<string, unknown> | null;
  } | null;
  createTime: string;
  updateTime: string | null;
  metadata: Record<string, unknown> | null;
}

export interface CreatePaymentCodeRequest {
  name: string;
  mode: 'one_time';
  enable: true;
  amount: MonimeAmount;
  /** e.g. "30m"; MoniMe's duration syntax. */
  duration: string;
  customer?: { name: string };
  authorizedPhoneNumber?: string;
  reference: string;
  financialAccountId?: string;
  metadata?: Record<string, string>;
}

/** The contract's list: the webhook schema and the workflow check the same one. */
export type InternalTransferStatus = MonimeTransferStatus;

export interface InternalTransfer {
  id: string;
  status: InternalTransferStatus;
  amount: MonimeAmount;
  sourceFinancialAccount: { id: string };
  destinationFinancialAccount: { id: string };
  financialTransactionReference: string | null;
  description: string | null;
  failureDetail: { code: string; message: string } | null;
  createTime: string;
  updateTime: string | null;
  metadata: Record<string, string> | null;
}

export interface CreateInternalTransferRequest {
  amount: MonimeAmount;
  sourceFinancialAccount: { id: string };
  destinationFinancialAccount: { id: string };
  description?: string;
  metadata: { transactionId: string } & Record<string, string>;
}

/** The webhook envelope MoniMe POSTs to us (contract §2). */
export interface MonimeWebhookEnvelope<T = unknown> {
  apiVersion: string;
  event: { id: string; name: string; timestamp: string };
  object: { id: string; type: string };
  data: T;
}

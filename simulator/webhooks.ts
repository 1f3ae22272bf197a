import { randomUUID } from 'node:crypto';
import { signMonimeWebhook } from '../monime/signature';
import type { MonimeWebhookEnvelope } from '../monime/types';

export interface Delivery {
  status: number;
  body: unknown;
  envelope: MonimeWebhookEnvelope;
  rawBody: string;
}

export function webhookEnvelope(
  name: string,
  object: { id: string; type: string },
  data: unknown,
  eventId = `evt-${randomUUID()}`,
): MonimeWebhookEnvelope {
  return {
    apiVersion: 'caph.2025-08-23',
    event: { id: eventId, name, timestamp: new Date().toISOString() },
    object,
    data,
  };
}

/** POSTs an event the way MoniMe does: raw JSON body, signed with the shared secret. */
export async function deliverWebhook(url: string | undefined, secret: string, envelope: MonimeWebhookEnvelope): Promise<Delivery> {
  const rawBody = JSON.stringify(envelope);
  if (!url) return { status: 0, body: null, envelope, rawBody };
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'monime-signature': signMonimeWebhook(secret, rawBody, Math.floor(Date.now() / 1000)) },
    body: rawBody,
  });
  return { status: response.status, body: await readAnswer(response), envelope, rawBody };
}

/** The receiver's answer: JSON when it is JSON, else the text, so a failure message survives. */
export async function readAnswer(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

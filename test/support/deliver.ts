import { signMonimeWebhook } from '../../monime/signature';
import type { Stack } from './harness';

/** One signed delivery of a webhook body, as MoniMe sends it; 0 when the connection was refused or reset. */
export async function deliverSigned(stack: Stack, apiUrl: string, rawBody: string): Promise<number> {
  try {
    const response = await fetch(`${apiUrl}/webhooks/monime`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'monime-signature': signMonimeWebhook(stack.config.monime.webhookSecrets[0], rawBody, Math.floor(Date.now() / 1000)),
      },
      body: rawBody,
    });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // refused or reset: the API was stopped or killed
  }
}

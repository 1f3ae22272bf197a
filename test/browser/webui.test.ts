/**
 * Issue 5, as an operator sees it: the Temporal Web UI, filtered by
 * TransactionStatus="needs_attention", shows the stuck transaction's workflow.
 */
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { workflowIdForTransaction } from '../../contract';
import { CHROMIUM_ARGS, ensureChromium } from '../support/chromium';
import { startStack, type Stack } from '../support/harness';
import { reserveTicket } from '../support/scenario';
import { testTemporalUiUrl } from '../support/testServer';
import { waitFor } from '../support/waitFor';

const SCREENSHOTS = path.join(__dirname, '..', '..', 'test-results');

let stack: Stack;
let browser: Browser;
beforeAll(async () => {
  const executablePath = ensureChromium();
  // The browser starts while the stack does: neither needs the other.
  [stack, browser] = await Promise.all([startStack(), chromium.launch({ executablePath, args: CHROMIUM_ARGS })]);
}, 900_000);
afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

it('lists the stuck transaction under TransactionStatus="needs_attention"', async () => {
  const reservation = await reserveTicket(stack, { commissionBps: 250, priceMinor: 6_000 });
  const paid = await stack.simulator.pay(reservation.paymentCodeId, { amount: { currency: 'SLE', value: 5_000 } });
  const workflowId = workflowIdForTransaction(paid.paymentId);
  // Before the browser looks: visibility has indexed it. Asked for this one workflow, not the
  // whole namespace's needs_attention list, which every earlier test file of the run has grown.
  await waitFor(
    async () => {
      for await (const execution of stack.client.workflow.list({
        query: `WorkflowId = '${workflowId}' AND TransactionStatus = "needs_attention"`,
      }))
        if (execution.workflowId === workflowId) return true;
      return undefined;
    },
    { timeoutMs: 30_000, what: 'the stuck workflow in visibility' },
  );

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const query = encodeURIComponent('TransactionStatus="needs_attention"');
  await page.goto(`${testTemporalUiUrl()}/namespaces/${stack.config.temporal.namespace}/workflows?query=${query}`);
  await page.getByText(workflowId).first().waitFor({ timeout: 30_000 });
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  const screenshot = path.join(SCREENSHOTS, 'webui-needs-attention.png');
  await page.screenshot({ path: screenshot, fullPage: true });
  expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
  expect(await page.getByText(workflowId).count()).toBeGreaterThan(0);
}, 120_000);

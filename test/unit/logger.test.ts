import { Writable } from 'node:stream';
import { createLogger } from '../../observability/logger';

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger('info', 'test', destination), lines };
}

describe('the logger', () => {
  it('never writes a secret, token or signature, wherever a caller puts it', () => {
    const { logger, lines } = capturedLogger();
    logger.info({ req: { headers: { authorization: 'Bearer s3cr3t-token', 'monime-signature': 't=1,v1=c2lnbmF0dXJl' } } }, 'incoming');
    logger.warn({ headers: { authorization: 'Bearer s3cr3t-token', 'monime-signature': 't=1,v1=c2lnbmF0dXJl' } }, 'outgoing');
    logger.error(
      { secret: 'whsec_live', webhookSecrets: ['whsec_live', 'whsec_next'], apiToken: 's3cr3t-token', accessToken: 'mon_live' },
      'config',
    );
    expect(lines).toHaveLength(3);
    const written = lines.join('\n');
    for (const secret of ['s3cr3t-token', 'c2lnbmF0dXJl', 'whsec_live', 'whsec_next', 'mon_live']) expect(written).not.toContain(secret);
    expect(JSON.parse(lines[0]).req.headers.authorization).toBe('[redacted]');
  });

  it('carries the ids bound to a child on every line it writes', () => {
    const { logger, lines } = capturedLogger();
    const request = logger.child({ requestId: 'req-1' }).child({ eventId: 'evt-1', workflowId: 'transaction-pay-1' });
    request.warn({ reason: 'Temporal unavailable' }, 'answered 503');
    request.info({ status: 503 }, 'request');
    for (const line of lines)
      expect(JSON.parse(line)).toMatchObject({ requestId: 'req-1', eventId: 'evt-1', workflowId: 'transaction-pay-1' });
  });
});

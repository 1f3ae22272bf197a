import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../config';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fareflow-tls-'));
const pem = (name: string) => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `-----BEGIN ${name.toUpperCase()}-----\nAAAA\n-----END ${name.toUpperCase()}-----\n`);
  return file;
};
const cert = pem('cert');
const key = pem('key');
const ca = pem('ca');
const notPem = path.join(dir, 'notes.txt');
fs.writeFileSync(notPem, 'a certificate was meant to be here');
const address = { TEMPORAL_ADDRESS: 'temporal.example:7233' };

describe('Temporal TLS and API key settings', () => {
  it('is plaintext when nothing is set (the dev server, a private network)', () => {
    expect(loadConfig({}).temporal.access).toEqual({ tls: false });
  });

  it('turns TLS on for a client certificate pair, a CA and a server name', () => {
    const config = loadConfig({
      ...address,
      TEMPORAL_TLS_CERT_PATH: cert,
      TEMPORAL_TLS_KEY_PATH: key,
      TEMPORAL_TLS_CA_PATH: ca,
      TEMPORAL_TLS_SERVER_NAME: 'temporal.internal',
    });
    expect(config.temporal.access).toEqual({
      tls: { clientCertPath: cert, clientKeyPath: key, caPath: ca, serverName: 'temporal.internal' },
      apiKey: undefined,
    });
  });

  it('turns TLS on for an API key (Temporal Cloud), with the system CAs', () => {
    expect(loadConfig({ ...address, TEMPORAL_API_KEY: 'key-123' }).temporal.access).toEqual({
      tls: { clientCertPath: undefined, clientKeyPath: undefined, caPath: undefined, serverName: undefined },
      apiKey: 'key-123',
    });
    expect(loadConfig({ ...address, TEMPORAL_TLS: 'true' }).temporal.access.tls).toBeTruthy();
  });

  it.each([
    [{ TEMPORAL_TLS_CERT_PATH: cert }, /TEMPORAL_TLS_KEY_PATH: a client certificate and its key go together/],
    [{ TEMPORAL_TLS_KEY_PATH: key }, /TEMPORAL_TLS_CERT_PATH: a client certificate and its key go together/],
    [{ TEMPORAL_TLS_CA_PATH: path.join(dir, 'missing.pem') }, /TEMPORAL_TLS_CA_PATH: cannot read .*missing\.pem \(ENOENT\)/],
    [{ TEMPORAL_TLS_CA_PATH: notPem }, /TEMPORAL_TLS_CA_PATH: .* is not a PEM file/],
    [{ TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key-123' }, /TEMPORAL_API_KEY: an API key is sent only over TLS/],
    [{ TEMPORAL_TLS: 'false', TEMPORAL_TLS_CA_PATH: ca }, /TEMPORAL_TLS=false, but TLS certificate settings are set/],
    [{ TEMPORAL_TLS: 'yes' }, /TEMPORAL_TLS/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig({ ...address, ...env })).toThrow(message);
  });

  it('refuses TLS for the embedded dev server, which speaks plaintext', () => {
    expect(() => loadConfig({ TEMPORAL_API_KEY: 'key-123' })).toThrow(/set TEMPORAL_ADDRESS too/);
  });
});

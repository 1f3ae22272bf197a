import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TestCertificates {
  caFile: string;
  server: { certFile: string; keyFile: string };
  client: { certFile: string; keyFile: string };
  /** The name the server certificate carries. */
  serverName: string;
}

/** A throwaway CA, a server certificate for localhost and a client certificate, made with openssl. */
export function makeTestCertificates(dir: string): TestCertificates {
  fs.mkdirSync(dir, { recursive: true });
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  const ecKey = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-out', file(name));

  ecKey('ca.key');
  openssl(
    ...['req', '-x509', '-new', '-key', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=fareflow test CA'],
    ...['-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
  );
  const issue = (name: string, subject: string, extensions: string) => {
    ecKey(`${name}.key`);
    openssl('req', '-new', '-key', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    fs.writeFileSync(file(`${name}.ext`), extensions);
    openssl(
      ...['x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial'],
      ...['-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`)],
    );
    return { certFile: file(`${name}.pem`), keyFile: file(`${name}.key`) };
  };
  const server = issue(
    'server',
    '/CN=localhost',
    'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  const client = issue(
    'client',
    '/CN=fareflow',
    'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n',
  );
  return { caFile: file('ca.pem'), server, client, serverName: 'localhost' };
}

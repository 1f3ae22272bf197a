import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export interface RunningApi {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets in-flight requests finish, then resolves. */
  close(): Promise<void>;
}

export async function startApiServer(app: Koa, port: number, host = '127.0.0.1'): Promise<RunningApi> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, host, () => resolve(listening));
    listening.once('error', reject);
  });
  // Slow or idle clients must not hold a graceful shutdown open forever.
  server.headersTimeout = 15_000;
  server.requestTimeout = 30_000;
  const address = server.address() as AddressInfo;
  // A wildcard address is no place to send a request to; the loopback reaches the same server.
  const reachableHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return {
    url: `http://${reachableHost}:${address.port}`,
    port: address.port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}

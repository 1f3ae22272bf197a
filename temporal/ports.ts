import net from 'node:net';

/** A port we were told to use is held by something else; the message says what to do. */
export class PortInUse extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PortInUse';
  }
}

export function portIsFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/**
 * A free port below 32768. Temporal stores membership ports as a PostgreSQL smallint, and
 * the ports the OS hands out for port 0 are above that, so these are probed in 20000–32767.
 */
export async function freeLowPort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_768);
    if (await portIsFree(port, host)) return port;
  }
  throw new PortInUse('no free port found between 20000 and 32767');
}

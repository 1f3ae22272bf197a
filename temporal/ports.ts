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

import os from 'node:os';
import { z } from 'zod';

/** The bench's knobs come from its command line (`npm run bench -- --payments 1000`). */
export function benchSettings(argv: string[] = process.argv.slice(2)) {
  const value = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  return z
    .object({
      payments: z.coerce.number().int().positive().default(500),
      concurrency: z.coerce.number().int().positive().default(20),
      temporalData: z.string().min(1).default(os.tmpdir()),
    })
    .parse({ payments: value('payments'), concurrency: value('concurrency'), temporalData: value('temporal-data') });
}

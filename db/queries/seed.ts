import type { Db } from '../pool';

export const DEMO_COMPANY_ID = 'cmp-demo';
export const DEMO_ROUTE_ID = 'rte-demo-freetown-bo';
export const DEMO_COMPANY_ACCOUNT_ID = 'fac-demo-freetown-express';

/** One company and route so the README's curl example works on a fresh start; idempotent. */
export async function seedDemoCatalog(db: Db): Promise<void> {
  await db.query(
    `INSERT INTO companies (id, name, financial_account_id, commission_bps)
     VALUES ($1, 'Freetown Express (demo)', $2, 500) ON CONFLICT (id) DO NOTHING`,
    [DEMO_COMPANY_ID, DEMO_COMPANY_ACCOUNT_ID],
  );
  await db.query(
    `INSERT INTO routes (id, company_id, origin, destination, price_minor, currency)
     VALUES ($1, $2, 'Freetown', 'Bo', 15000, 'SLE') ON CONFLICT (id) DO NOTHING`,
    [DEMO_ROUTE_ID, DEMO_COMPANY_ID],
  );
}

import type { Db } from '../pool';

export interface Company {
  id: string;
  name: string;
  financialAccountId: string;
  commissionBps: number;
  createdAt: Date;
}

export interface Route {
  id: string;
  companyId: string;
  origin: string;
  destination: string;
  priceMinor: number;
  currency: string;
  createdAt: Date;
}

interface CompanyRow {
  id: string;
  name: string;
  financial_account_id: string;
  commission_bps: number;
  created_at: Date;
}

interface RouteRow {
  id: string;
  company_id: string;
  origin: string;
  destination: string;
  price_minor: number;
  currency: string;
  created_at: Date;
}

const toCompany = (row: CompanyRow): Company => ({
  id: row.id,
  name: row.name,
  financialAccountId: row.financial_account_id,
  commissionBps: row.commission_bps,
  createdAt: row.created_at,
});

const toRoute = (row: RouteRow): Route => ({
  id: row.id,
  companyId: row.company_id,
  origin: row.origin,
  destination: row.destination,
  priceMinor: row.price_minor,
  currency: row.currency,
  createdAt: row.created_at,
});

export async function insertCompany(db: Db, company: Omit<Company, 'createdAt'>): Promise<Company> {
  const { rows } = await db.query(
    `INSERT INTO companies (id, name, financial_account_id, commission_bps) VALUES ($1, $2, $3, $4)
     ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING *`,
    [company.id, company.name, company.financialAccountId, company.commissionBps],
  );
  return toCompany(rows[0]);
}

export async function findCompany(db: Db, id: string): Promise<Company | null> {
  const { rows } = await db.query('SELECT * FROM companies WHERE id = $1', [id]);
  return rows[0] ? toCompany(rows[0]) : null;
}

export async function insertRoute(db: Db, route: Omit<Route, 'createdAt'>): Promise<Route> {
  const { rows } = await db.query(
    `INSERT INTO routes (id, company_id, origin, destination, price_minor, currency) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET id = EXCLUDED.id RETURNING *`,
    [route.id, route.companyId, route.origin, route.destination, route.priceMinor, route.currency],
  );
  return toRoute(rows[0]);
}

export async function findRoute(db: Db, id: string): Promise<Route | null> {
  const { rows } = await db.query('SELECT * FROM routes WHERE id = $1', [id]);
  return rows[0] ? toRoute(rows[0]) : null;
}

export async function insertReservedTicket(
  db: Db,
  ticket: { id: string; route: Route; passengerName: string; passengerPhone: string },
): Promise<void> {
  await db.query(
    `INSERT INTO tickets (id, route_id, company_id, passenger_name, passenger_phone, price_minor, currency, status)
     VALUES ($1, $2, $3, $4, $5, $6, $7, 'reserved')`,
    [
      ticket.id,
      ticket.route.id,
      ticket.route.companyId,
      ticket.passengerName,
      ticket.passengerPhone,
      ticket.route.priceMinor,
      ticket.route.currency,
    ],
  );
}

/** The code MoniMe issued for a ticket; both rows change together. */
export async function attachPaymentCode(
  db: Db,
  code: { id: string; ticketId: string; ussdCode: string; amountMinor: number; currency: string; expireTime: string | null },
): Promise<void> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO payment_codes (id, ticket_id, ussd_code, amount_minor, currency, status, expire_time)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
      [code.id, code.ticketId, code.ussdCode, code.amountMinor, code.currency, code.expireTime],
    );
    await client.query(`UPDATE tickets SET payment_code_id = $2, updated_at = now() WHERE id = $1`, [code.ticketId, code.id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** MoniMe would not issue a code: the reservation is withdrawn rather than left half-made. */
export async function cancelUnpaidTicket(db: Db, ticketId: string): Promise<void> {
  await db.query(`UPDATE tickets SET status = 'cancelled', released_at = now(), updated_at = now() WHERE id = $1 AND status = 'reserved'`, [
    ticketId,
  ]);
}

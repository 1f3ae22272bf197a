import { ConfigError, DEV_API_TOKEN, DEV_WEBHOOK_SECRET, SIMULATOR_PLATFORM_ACCOUNT_ID, loadConfig } from '../../config';

describe('loadConfig', () => {
  it('runs on the contract defaults with nothing set', () => {
    const config = loadConfig({}, '/srv/fareflow');
    expect(config.port).toBe(3000);
    // Contract §1: unset means the local server at 127.0.0.1:5432 if one answers, else embedded (stack/startDatabase.ts).
    expect(config.databaseUrl).toBeUndefined();
    expect(config.localPostgresAddress).toBe('127.0.0.1:5432');
    expect(config.temporal.address).toBeUndefined();
    expect(config.temporal.namespace).toBe('default');
    expect(config.temporal.taskQueue).toBe('fareflow');
    expect(config.temporal.transferTaskQueue).toBe('fareflow-transfers');
    expect(config.monime.baseUrl).toBeUndefined();
    expect(config.monime.version).toBe('caph.2025-08-23');
    expect(config.monime.webhookSecrets).toEqual([DEV_WEBHOOK_SECRET]);
    expect(config.monime.platformFinancialAccountId).toBe(SIMULATOR_PLATFORM_ACCOUNT_ID);
    expect(config.apiToken).toBe(DEV_API_TOKEN);
    expect(config.usesDevSecrets).toEqual({ webhookSecret: true, apiToken: true });
    expect(config.dataDir).toBe('/srv/fareflow/.data');
  });

  it('accepts a comma-separated list of webhook secrets for rotation', () => {
    const config = loadConfig({ MONIME_WEBHOOK_SECRET: 'new-secret, old-secret,' });
    expect(config.monime.webhookSecrets).toEqual(['new-secret', 'old-secret']);
  });

  it('limits rejected callers tightly by default, and trusts a proxy only when told', () => {
    expect(loadConfig({})).toMatchObject({ rejectedRequestsPerMinute: 120, trustProxy: false, webhookBodyLimitBytes: 256 * 1024 });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: 'false' }).trustProxy).toBe(false);
    expect(() => loadConfig({ TRUST_PROXY: 'yes please' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ REJECTED_REQUESTS_PER_MINUTE: '0' })).toThrow(/REJECTED_REQUESTS_PER_MINUTE/);
  });

  it("holds a reservation for its code's duration plus RESERVATION_GRACE_SECONDS (contract §1), both settable", () => {
    expect(loadConfig({}).reservations).toEqual({ codeSeconds: 1_800, graceSeconds: 120 });
    expect(loadConfig({ RESERVATION_CODE_SECONDS: '2', RESERVATION_GRACE_SECONDS: '0' }).reservations).toEqual({
      codeSeconds: 2,
      graceSeconds: 0,
    });
    expect(() => loadConfig({ RESERVATION_GRACE_SECONDS: '-1' })).toThrow(/RESERVATION_GRACE_SECONDS/);
    expect(() => loadConfig({ RESERVATION_CODE_SECONDS: '0' })).toThrow(/RESERVATION_CODE_SECONDS/);
  });

  it("bounds the webhook receiver's Temporal calls: 64 in flight, 256 waiting, let in by a 250 ms wait, refused at 500 ms", () => {
    expect(loadConfig({}).webhookCapacity).toEqual({ maxInFlight: 64, maxWaiting: 256, slotWaitMs: 250, slotWaitLimitMs: 500 });
    expect(
      loadConfig({ WEBHOOK_MAX_IN_FLIGHT: '2', WEBHOOK_MAX_WAITING: '0', WEBHOOK_SLOT_WAIT_MS: '0', WEBHOOK_SLOT_WAIT_LIMIT_MS: '0' })
        .webhookCapacity,
    ).toEqual({ maxInFlight: 2, maxWaiting: 0, slotWaitMs: 0, slotWaitLimitMs: 0 });
    expect(() => loadConfig({ WEBHOOK_MAX_IN_FLIGHT: '0' })).toThrow(/WEBHOOK_MAX_IN_FLIGHT/);
    expect(() => loadConfig({ WEBHOOK_SLOT_WAIT_MS: '-1' })).toThrow(/WEBHOOK_SLOT_WAIT_MS/);
    expect(() => loadConfig({ WEBHOOK_SLOT_WAIT_MS: '500', WEBHOOK_SLOT_WAIT_LIMIT_MS: '400' })).toThrow(
      /WEBHOOK_SLOT_WAIT_LIMIT_MS \(400\) is below WEBHOOK_SLOT_WAIT_MS \(500\)/,
    );
  });

  it('names the variable that is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ LOCAL_POSTGRES_ADDRESS: 'postgres://localhost' })).toThrow(/LOCAL_POSTGRES_ADDRESS/);
    expect(loadConfig({ LOCAL_POSTGRES_ADDRESS: 'db.local:6543' }).localPostgresAddress).toBe('db.local:6543');
    expect(() => loadConfig({ MONIME_WEBHOOK_SECRET: ' , ' })).toThrow(ConfigError);
  });

  it('reads the faults the simulator starts with, and names a wrong setting', () => {
    expect(
      loadConfig({ SIMULATOR_FAULTS: '{"errorRates":{"500":0.3},"errorMode":"after","scope":"transfers"}' }).monime.simulatorFaults,
    ).toEqual({
      errorRates: { 500: 0.3 },
      errorMode: 'after',
      scope: 'transfers',
    });
    expect(loadConfig({}).monime.simulatorFaults).toBeUndefined();
    expect(() => loadConfig({ SIMULATOR_FAULTS: '{errorRates' })).toThrow(/SIMULATOR_FAULTS: not JSON/);
    expect(() => loadConfig({ SIMULATOR_FAULTS: '{"rejectTransfer":true}' })).toThrow(/SIMULATOR_FAULTS: .*rejectTransfer/);
    expect(() => loadConfig({ SIMULATOR_FAULTS: '{"errorRates":{"500":3}}' })).toThrow(/SIMULATOR_FAULTS: errorRates\.500/);
  });

  it('needs real MoniMe credentials when talking to a real MoniMe', () => {
    expect(() => loadConfig({ MONIME_BASE_URL: 'https://api.monime.io' })).toThrow(/MONIME_ACCESS_TOKEN/);
  });

  describe('in production', () => {
    const real = {
      NODE_ENV: 'production',
      MONIME_BASE_URL: 'https://api.monime.io',
      MONIME_ACCESS_TOKEN: 'tok',
      MONIME_SPACE_ID: 'spc-1',
      PLATFORM_FINANCIAL_ACCOUNT_ID: 'fac-1',
      MONIME_WEBHOOK_SECRET: 'whsec_real',
      API_TOKEN: 'real-token',
    };
    it('starts with real secrets', () => {
      expect(loadConfig(real).nodeEnv).toBe('production');
    });
    it('refuses the dev webhook secret, even inside a rotation list', () => {
      expect(() => loadConfig({ ...real, MONIME_WEBHOOK_SECRET: `whsec_real,${DEV_WEBHOOK_SECRET}` })).toThrow(/MONIME_WEBHOOK_SECRET/);
      expect(() => loadConfig({ ...real, MONIME_WEBHOOK_SECRET: undefined })).toThrow(/MONIME_WEBHOOK_SECRET/);
    });
    it('refuses the dev API token', () => {
      expect(() => loadConfig({ ...real, API_TOKEN: undefined })).toThrow(/API_TOKEN/);
    });
    it('may still run on the simulator (the contract refuses only dev secrets); start warns', () => {
      expect(loadConfig({ ...real, MONIME_BASE_URL: undefined, MONIME_ACCESS_TOKEN: undefined }).monime.baseUrl).toBeUndefined();
    });
  });
});

import { transferRatePerSecond } from '../../workers/createWorkers';

describe('transferRatePerSecond', () => {
  it.each([60, 300, 500, 6_000])('keeps a tenth of %i/minute back for the burst and dispatch jitter', (perMinute) => {
    const perSecond = transferRatePerSecond(perMinute);
    expect(perSecond * 60).toBeLessThanOrEqual(perMinute * 0.9);
    expect(perSecond * 60).toBeGreaterThanOrEqual(perMinute * 0.85);
  });

  it('never drops to zero for a tiny limit', () => {
    expect(transferRatePerSecond(1)).toBeCloseTo(1 / 60);
  });
});

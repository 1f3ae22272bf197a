/**
 * The bench's command line (bench/settings.ts): the sustained run's `<rate>x<seconds>`, `none`
 * for an empty list of rate steps or bursts, and clear errors instead of silently ignored input.
 */
import { BenchSettingsError, benchSettings } from '../../bench/settings';
import { backlogPeak, busiestWindow, drainBudgetMs } from '../../bench/sustained';

const fails = (argv: string[]) => {
  try {
    benchSettings(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchSettingsError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${argv.join(' ')}`);
};

test('by default no sustained run; the plan as before', () => {
  const settings = benchSettings([]);
  expect(settings.sustained).toBeNull();
  expect(settings.steps).toHaveLength(7);
  expect(benchSettings(['--quick']).steps).toEqual([
    { kind: 'rate', ratePerSecond: 20, durationSeconds: 15 },
    { kind: 'burst', payments: 300 },
  ]);
});

test('--sustained alone, with no rate steps, bursts or ablation', () => {
  const settings = benchSettings(['--sustained', '20x1200', '--rates', 'none', '--bursts', 'none', '--ablation', 'off']);
  expect(settings.sustained).toEqual({ kind: 'rate', ratePerSecond: 20, durationSeconds: 1200 });
  expect(settings.steps).toEqual([]);
  expect(settings.ablationSteps).toEqual([]);
  expect(benchSettings(['--quick', '--sustained', '2.5x30']).sustained).toEqual({ kind: 'rate', ratePerSecond: 2.5, durationSeconds: 30 });
  expect(benchSettings(['--rates', 'none']).steps.every((step) => step.kind === 'burst')).toBe(true);
});

test('clear errors for what cannot run', () => {
  expect(fails(['--sustained', '20'])).toMatch(/^--sustained: <rate per second>x<seconds> \(e\.g\. 20x1200\), or none; got '20'$/);
  expect(fails(['--sustained', '0x60'])).toMatch(/^--sustained: /);
  expect(fails(['--sustained', '20x0'])).toMatch(/^--sustained: /);
  expect(fails(['--rates', ''])).toMatch(/^--rates: positive numbers separated by commas \(e\.g\. 25,50\), or none; got ''$/);
  expect(fails(['--bursts', '1000,x'])).toMatch(/^--bursts: /);
  expect(fails(['--rates', '-5'])).toMatch(/^--rates needs a value$|^--rates: /);
  expect(fails(['--topology', 'mesh'])).toMatch(/^--topology: /);
  expect(fails(['--sustain', '20x1200'])).toMatch(/^unknown option --sustain: /);
  expect(fails(['--rates', '--bursts', '100'])).toBe('--rates needs a value');
  expect(fails(['--rates', 'none', '--bursts', 'none', '--ablation', 'off'])).toMatch(/^nothing to run/);
});

test('the sustained run: drain deadline, busiest minute, backlog peak', () => {
  // 14,000 left at 500/min: 28 min, half as long again, plus 2 min.
  expect(drainBudgetMs(14_000, 500)).toBe(44 * 60_000);
  expect(busiestWindow([0, 10_000, 59_999, 60_000, 61_000, 200_000], 60_000)).toEqual({ count: 4, from: 10_000 });
  expect(busiestWindow([], 60_000)).toEqual({ count: 0, from: null });
  expect(
    backlogPeak([
      { ackedAt: 0, transferredAt: 5 },
      { ackedAt: 1, transferredAt: 3 },
      { ackedAt: 3, transferredAt: 9 },
      { ackedAt: 4, transferredAt: null },
    ]),
  ).toEqual({ max: 3, at: 4, left: 1 });
});

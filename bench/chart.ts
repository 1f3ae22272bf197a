import { KNEE_BAR } from './knee';
import type { StepFigures } from './measure';
import type { TopologyRun } from './report';

/** Hand-written SVG (no chart dependency): latencies and settled/s against the offered rate, one line per topology. */
const PANEL = { width: 460, height: 300, left: 60, right: 15, top: 40, bottom: 45 } as const;
const DASHES = ['', '6 4', '2 3'];

interface Series {
  label: string;
  color: string;
  dash: string;
  points: Array<[number, number]>;
}

const LATENCIES: Array<{ label: string; color: string; value: (step: StepFigures) => number | null }> = [
  { label: 'ack p50', color: '#9ecae1', value: (step) => step.ackMs.p50 },
  { label: 'ack p95', color: '#3182bd', value: (step) => step.ackMs.p95 },
  { label: 'ack p99', color: '#08519c', value: (step) => step.ackMs.p99 },
  { label: '→ transfer p50', color: '#fdae6b', value: (step) => step.transferCompletedMs.p50 },
  { label: '→ transfer p95', color: '#e6550d', value: (step) => step.transferCompletedMs.p95 },
  { label: '→ transfer p99', color: '#a63603', value: (step) => step.transferCompletedMs.p99 },
];

/** 1, 2 or 5 times a power of ten: about five grid lines up to `max`. */
function niceStep(max: number): number {
  const raw = Math.max(max, 1) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw)!;
}

const rateSteps = (run: TopologyRun) => run.steps.filter((step) => step.kind === 'rate');

function points(run: TopologyRun, value: (step: StepFigures) => number | null): Array<[number, number]> {
  return rateSteps(run).flatMap((step) => {
    const y = value(step);
    return y === null ? [] : [[step.offeredPerSecond!, y] as [number, number]];
  });
}

function panel(
  x0: number,
  title: string,
  yLabel: string,
  series: Series[],
  xMax: number,
  y: { max: number; log: boolean; bars?: Array<{ at: number; label: string }> },
): string {
  const w = PANEL.width - PANEL.left - PANEL.right;
  const h = PANEL.height - PANEL.top - PANEL.bottom;
  const yMin = y.log ? 1 : 0;
  const scaleY = (v: number) =>
    y.log ? h - ((Math.log10(Math.max(v, 1)) - 0) / Math.log10(y.max)) * h : h - ((v - yMin) / (y.max - yMin || 1)) * h;
  const scaleX = (v: number) => (v / (xMax || 1)) * w;
  const yTicks = y.log
    ? Array.from({ length: Math.ceil(Math.log10(y.max)) + 1 }, (_, i) => 10 ** i)
    : Array.from({ length: Math.floor(y.max / niceStep(y.max)) + 1 }, (_, i) => i * niceStep(y.max));
  const xTicks = Array.from({ length: 5 }, (_, i) => Math.round((xMax * i) / 4));
  const grid = [
    ...yTicks.map(
      (t) =>
        `<line x1="0" x2="${w}" y1="${scaleY(t)}" y2="${scaleY(t)}" stroke="#eee"/><text x="-6" y="${scaleY(t) + 4}" text-anchor="end">${t}</text>`,
    ),
    ...xTicks.map((t) => `<text x="${scaleX(t)}" y="${h + 16}" text-anchor="middle">${t}</text>`),
    `<line x1="0" x2="0" y1="0" y2="${h}" stroke="#888"/><line x1="0" x2="${w}" y1="${h}" y2="${h}" stroke="#888"/>`,
  ];
  const bars = (y.bars ?? []).map(
    (bar) =>
      `<line x1="0" x2="${w}" y1="${scaleY(bar.at)}" y2="${scaleY(bar.at)}" stroke="#c00" stroke-dasharray="4 3"/>` +
      `<text x="${w - 4}" y="${scaleY(bar.at) - 4}" text-anchor="end" fill="#c00">${bar.label}</text>`,
  );
  const lines = series.map((s) => {
    const path = s.points.map(([px, py]) => `${scaleX(px).toFixed(1)},${scaleY(py).toFixed(1)}`).join(' ');
    const dots = s.points.map(
      ([px, py]) => `<circle cx="${scaleX(px).toFixed(1)}" cy="${scaleY(py).toFixed(1)}" r="3" fill="${s.color}"/>`,
    );
    return `<polyline points="${path}" fill="none" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/>${dots.join('')}`;
  });
  // Below the plot, two columns: over it, a dozen series would hide the lines.
  const legend = series.map((s, i) => {
    const x = (i % 2) * (w / 2);
    const y = h + 52 + Math.floor(i / 2) * 14;
    return (
      `<line x1="${x}" x2="${x + 25}" y1="${y - 4}" y2="${y - 4}" stroke="${s.color}" stroke-width="2" stroke-dasharray="${s.dash}"/>` +
      `<text x="${x + 30}" y="${y}">${s.label}</text>`
    );
  });
  return [
    `<g transform="translate(${x0 + PANEL.left},${PANEL.top})" font-size="11" font-family="sans-serif">`,
    `<text x="${w / 2}" y="-18" text-anchor="middle" font-size="13" font-weight="bold">${title}</text>`,
    ...grid,
    ...bars,
    ...lines,
    ...legend,
    `<text x="${w / 2}" y="${h + 34}" text-anchor="middle">offered webhooks per second</text>`,
    `<text transform="translate(-44,${h / 2}) rotate(-90)" text-anchor="middle">${yLabel}</text>`,
    '</g>',
  ].join('\n');
}

export function chartSvg(runs: TopologyRun[]): string {
  const xMax = Math.max(1, ...runs.flatMap((run) => rateSteps(run).map((step) => step.offeredPerSecond!)));
  const latency: Series[] = runs.flatMap((run, i) =>
    LATENCIES.map((metric) => ({
      label: `${metric.label}${runs.length > 1 ? ` (${run.topology})` : ''}`,
      color: metric.color,
      dash: DASHES[i % DASHES.length],
      points: points(run, metric.value),
    })),
  );
  const settled: Series[] = runs.map((run, i) => ({
    label: `settled/s (${run.topology})`,
    color: ['#31a354', '#756bb1', '#636363'][i % 3],
    dash: DASHES[i % DASHES.length],
    points: points(run, (step) => step.settledPerSecond),
  }));
  settled.push({ label: 'offered', color: '#bbb', dash: '2 3', points: [[0, 0] as [number, number], [xMax, xMax] as [number, number]] });
  const latencyMax = Math.max(10, ...latency.flatMap((s) => s.points.map(([, v]) => v)));
  const height = PANEL.height + Math.ceil(Math.max(latency.length, settled.length) / 2) * 14 + 10;
  const settledMax = Math.max(xMax, ...settled.flatMap((s) => s.points.map(([, v]) => v)));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${PANEL.width * 2}" height="${height}" viewBox="0 0 ${PANEL.width * 2} ${height}">`,
    '<rect width="100%" height="100%" fill="white"/>',
    panel(0, 'Latency from intended send (log scale)', 'ms', latency, xMax, {
      max: 10 ** Math.ceil(Math.log10(Math.max(latencyMax, KNEE_BAR.transferCompletedP95Ms * 1.5))),
      log: true,
      bars: [
        { at: KNEE_BAR.ackP95Ms, label: 'knee bar: ack p95' },
        { at: KNEE_BAR.transferCompletedP95Ms, label: 'knee bar: → transfer p95' },
      ],
    }),
    panel(PANEL.width, 'Payments settled per second', 'settled/s', settled, xMax, { max: Math.ceil(settledMax * 1.1), log: false }),
    '</svg>',
    '',
  ].join('\n');
}

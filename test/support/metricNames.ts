/** Metric names the monitoring files query, and names a Prometheus exposition serves. */
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './nodeScript';

export const ALERT_RULES = path.join(ROOT, 'deploy', 'prometheus', 'alerts.yml');
export const DASHBOARD = path.join(ROOT, 'deploy', 'grafana', 'fareflow-dashboard.json');

/** Our metrics and the Temporal SDK's all carry one of these prefixes; label names never do. */
const METRIC_NAME = /\b(?:fareflow|temporal)_[A-Za-z0-9_]*[A-Za-z0-9]\b/g;

/** Labels Prometheus adds itself (target, histogram bucket), never in an exposition. */
const ADDED_BY_PROMETHEUS = new Set(['le', 'instance', 'job']);

/** Every PromQL expression of the alert rules and of the dashboard's panels. */
export function monitoringQueries(): string[] {
  const rules = fs.readFileSync(ALERT_RULES, 'utf8');
  const exprs = [...rules.matchAll(/^\s+expr: (?:\|\n)?([\s\S]*?)(?=^\s+(?:for|labels|annotations):)/gm)].map((match) => match[1]);
  const dashboard = JSON.parse(fs.readFileSync(DASHBOARD, 'utf8')) as { panels: Array<{ targets?: Array<{ expr: string }> }> };
  return [...exprs, ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr))];
}

export function monitoredMetricNames(queries = monitoringQueries()): Set<string> {
  return new Set(queries.flatMap((expr) => expr.match(METRIC_NAME) ?? []));
}

/** Families (from `# TYPE`) and sample names (`_bucket`, `_sum`, `_count` of histograms) of Prometheus text expositions. */
export function servedMetricNames(expositions: string[]): Set<string> {
  const names = new Set<string>();
  for (const text of expositions) {
    for (const line of text.split('\n')) {
      const family = /^# TYPE (\S+) (\w+)/.exec(line);
      if (family) names.add(family[1]);
      else if (line && !line.startsWith('#')) names.add(line.split(/[{ ]/)[0]);
    }
  }
  return names;
}

/** Labels on the samples of Prometheus text expositions, by sample name. */
export function servedLabels(expositions: string[]): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const text of expositions) {
    for (const sample of text.matchAll(/^([^#\s{]+)(?:\{([^}]*)\})? /gm)) {
      const names = labels.get(sample[1]) ?? new Set<string>();
      for (const label of (sample[2] ?? '').matchAll(/(\w+)="/g)) names.add(label[1]);
      labels.set(sample[1], names);
    }
  }
  return labels;
}

/**
 * Labels the queries use that the metric does not carry, as `metric:label`: a selector's
 * labels must be on its metric, a `by (…)` label on one of the query's metrics. Leaves out
 * the labels Prometheus adds itself, and metrics with no sample yet (nothing to check against).
 */
export function unservedLabels(served: Map<string, Set<string>>, queries = monitoringQueries()): string[] {
  const missing = new Set<string>();
  const on = (metric: string) => served.get(metric) ?? new Set<string>();
  const sampled = (metric: string) => served.has(metric);
  for (const expr of queries) {
    for (const selector of expr.matchAll(/\b((?:fareflow|temporal)_\w+)\{([^}]*)\}/g)) {
      for (const label of selector[2].matchAll(/(\w+)\s*(?:=~|!=|!~|=)/g)) {
        if (sampled(selector[1]) && !ADDED_BY_PROMETHEUS.has(label[1]) && !on(selector[1]).has(label[1]))
          missing.add(`${selector[1]}:${label[1]}`);
      }
    }
    const metrics = (expr.match(METRIC_NAME) ?? []).filter(sampled);
    if (metrics.length === 0) continue;
    for (const by of expr.matchAll(/\bby \(([^)]*)\)/g)) {
      for (const label of by[1].split(',').map((name) => name.trim())) {
        if (label && !ADDED_BY_PROMETHEUS.has(label) && !metrics.some((metric) => on(metric).has(label)))
          missing.add(`${metrics.join('|')}:${label}`);
      }
    }
  }
  return [...missing].sort();
}

/** Monitored metrics served with no sample yet (a labelled counter never incremented): their labels go unchecked. */
export function unsampledNames(monitored: Set<string>, served: Map<string, Set<string>>): string[] {
  return [...monitored].filter((name) => !served.has(name)).sort();
}

export function unservedNames(monitored: Set<string>, served: Set<string>): string[] {
  return [...monitored].filter((name) => !served.has(name)).sort();
}

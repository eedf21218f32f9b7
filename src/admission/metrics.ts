/**
 * Upstream's metric names and label values (spec §5.10), for recorders to use, plus an in-memory recorder for tests
 * and differential runs.
 */
import { isOlder } from '../api/index.ts';
import type { LevelVersion, Mode, Version } from '../api/index.ts';
import type { Decision, MetricAttributes, MetricsRecorder } from './types.ts';

export const MetricNames = {
  evaluations: 'pod_security_evaluations_total',
  exemptions: 'pod_security_exemptions_total',
  errors: 'pod_security_errors_total',
} as const;

export const MetricHelp = {
  evaluations: 'Number of policy evaluations that occurred, not counting ignored or exempt requests.',
  exemptions: 'Number of exempt requests, not counting ignored or out of scope requests.',
  errors:
    'Number of errors preventing normal evaluation. Non-fatal errors may result in the latest restricted profile being used for evaluation.',
} as const;

/**
 * The `policy_version` label: `latest` for latest or any privileged policy; the version itself when the server is not
 * older than it; otherwise `future`.
 */
export function metricPolicyVersion(policy: LevelVersion, serverVersion: Version): string {
  if (policy.version.latest || policy.level === 'privileged') return 'latest';
  return isOlder(serverVersion, policy.version) ? 'future' : policy.version.text;
}

/** The labels of one `pod_security_evaluations_total` increment. */
export function evaluationLabels(
  decision: Decision,
  policy: LevelVersion,
  mode: Mode,
  attributes: MetricAttributes,
  serverVersion: Version,
): Readonly<Record<string, string>> {
  return {
    decision,
    mode,
    policy_level: policy.level,
    policy_version: metricPolicyVersion(policy, serverVersion),
    request_operation: attributes.operation,
    resource: attributes.resource,
    subresource: attributes.subresource,
  };
}

export function exemptionLabels(attributes: MetricAttributes): Readonly<Record<string, string>> {
  return {
    request_operation: attributes.operation,
    resource: attributes.resource,
    subresource: attributes.subresource,
  };
}

export function errorLabels(fatal: boolean, attributes: MetricAttributes): Readonly<Record<string, string>> {
  return {
    fatal: fatal ? 'true' : 'false',
    request_operation: attributes.operation,
    resource: attributes.resource,
    subresource: attributes.subresource,
  };
}

export interface MetricSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Counts increments in memory, with upstream's label values. */
export class CountingMetrics implements MetricsRecorder {
  readonly #serverVersion: Version;
  readonly #counts = new Map<string, { name: string; labels: Readonly<Record<string, string>>; value: number }>();

  constructor(serverVersion: Version) {
    this.#serverVersion = serverVersion;
  }

  #inc(name: string, labels: Readonly<Record<string, string>>): void {
    const key = `${name}\u0000${Object.keys(labels)
      .sort()
      .map((k) => `${k}=${labels[k] ?? ''}`)
      .join('\u0000')}`;
    const entry = this.#counts.get(key);
    if (entry === undefined) this.#counts.set(key, { name, labels, value: 1 });
    else entry.value++;
  }

  recordEvaluation(decision: Decision, policy: LevelVersion, mode: Mode, attributes: MetricAttributes): void {
    this.#inc(MetricNames.evaluations, evaluationLabels(decision, policy, mode, attributes, this.#serverVersion));
  }

  recordExemption(attributes: MetricAttributes): void {
    this.#inc(MetricNames.exemptions, exemptionLabels(attributes));
  }

  recordError(fatal: boolean, attributes: MetricAttributes): void {
    this.#inc(MetricNames.errors, errorLabels(fatal, attributes));
  }

  /** Every non-zero series, sorted by name then labels. */
  samples(): MetricSample[] {
    return [...this.#counts.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => ({ name: v.name, labels: v.labels, value: v.value }));
  }

  reset(): void {
    this.#counts.clear();
  }
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import type { Decision, MetricAttributes, MetricsRecorder } from '../admission/types.ts';

/**
 * The Kubernetes minor version this server reports itself as when labelling `policy_version`: numbered versions above
 * it are labelled `future`, as upstream does with its build version. We report the newest policy version we implement.
 */
export const SERVER_MINOR_VERSION = 37;

/** Upstream's `policy_version` label: `latest` for latest or privileged, `v1.N` up to the server's version, else `future`. */
export function policyVersionLabel(policy: LevelVersion, serverMinor: number = SERVER_MINOR_VERSION): string {
  if (policy.version.latest || policy.level === 'privileged') return 'latest';
  return policy.version.minor <= serverMinor ? policy.version.text : 'future';
}

/** The webhook's Prometheus registry: upstream's three counters, our transport metrics and process metrics. */
export interface ServerMetrics {
  readonly registry: Registry;
  readonly recorder: MetricsRecorder;
  observeRequest(code: number, seconds: number): void;
  rejected(reason: 'queue-full' | 'deadline' | 'shutting-down'): void;
  reload(kind: 'tls' | 'config' | 'namespaces', ok: boolean): void;
  setInFlight(count: number): void;
}

export function createServerMetrics(options: { readonly processMetrics?: boolean } = {}): ServerMetrics {
  const registry = new Registry();
  const registers = [registry];
  // Upstream's counters: exact names, HELP texts (with the ALPHA stability marker) and label sets.
  const evaluations = new Counter({
    name: 'pod_security_evaluations_total',
    help: '[ALPHA] Number of policy evaluations that occurred, not counting ignored or exempt requests.',
    labelNames: ['decision', 'mode', 'policy_level', 'policy_version', 'request_operation', 'resource', 'subresource'],
    registers,
  });
  const exemptions = new Counter({
    name: 'pod_security_exemptions_total',
    help: '[ALPHA] Number of exempt requests, not counting ignored or out of scope requests.',
    labelNames: ['request_operation', 'resource', 'subresource'],
    registers,
  });
  const errors = new Counter({
    name: 'pod_security_errors_total',
    help: '[ALPHA] Number of errors preventing normal evaluation. Non-fatal errors may result in the latest restricted profile being used for evaluation.',
    labelNames: ['fatal', 'request_operation', 'resource', 'subresource'],
    registers,
  });
  for (const operation of ['create', 'update']) {
    evaluations.inc(
      {
        decision: 'allow',
        mode: 'enforce',
        policy_level: 'privileged',
        policy_version: 'latest',
        request_operation: operation,
        resource: 'pod',
        subresource: '',
      },
      0,
    );
    for (const resource of ['pod', 'controller'])
      exemptions.inc({ request_operation: operation, resource, subresource: '' }, 0);
  }

  const duration = new Histogram({
    name: 'psa_webhook_request_duration_seconds',
    help: 'Time from receiving an admission request to finishing its response, by HTTP status code.',
    labelNames: ['code'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const rejectedTotal = new Counter({
    name: 'psa_webhook_rejected_requests_total',
    help: 'Admission requests answered without evaluation because of load or shutdown, by reason.',
    labelNames: ['reason'],
    registers,
  });
  const reloads = new Counter({
    name: 'psa_webhook_reloads_total',
    help: 'Reloads of watched files (TLS certificate, configuration, namespaces file), by kind and result.',
    labelNames: ['kind', 'result'],
    registers,
  });
  const inFlight = new Gauge({
    name: 'psa_webhook_in_flight_requests',
    help: 'Admission requests currently being evaluated.',
    registers,
  });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  const recorder: MetricsRecorder = {
    recordEvaluation(decision: Decision, policy: LevelVersion, mode: Mode, attributes: MetricAttributes) {
      evaluations.inc({
        decision,
        mode,
        policy_level: policy.level,
        policy_version: policyVersionLabel(policy),
        request_operation: attributes.operation,
        resource: attributes.resource,
        subresource: attributes.subresource,
      });
    },
    recordExemption(attributes: MetricAttributes) {
      exemptions.inc({
        request_operation: attributes.operation,
        resource: attributes.resource,
        subresource: attributes.subresource,
      });
    },
    recordError(fatal: boolean, attributes: MetricAttributes) {
      errors.inc({
        fatal: fatal ? 'true' : 'false',
        request_operation: attributes.operation,
        resource: attributes.resource,
        subresource: attributes.subresource,
      });
    },
  };

  return {
    registry,
    recorder,
    observeRequest(code, seconds) {
      duration.observe({ code: String(code) }, seconds);
    },
    rejected(reason) {
      rejectedTotal.inc({ reason });
    },
    reload(kind, ok) {
      reloads.inc({ kind, result: ok ? 'success' : 'failure' });
    },
    setInFlight(count) {
      inFlight.set(count);
    },
  };
}

import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics, type CounterConfiguration } from 'prom-client';
import type { LevelVersion } from '../api/level-version.ts';
import type { Mode } from '../api/labels.ts';
import type { Version } from '../api/version.ts';
import { DEFAULT_SERVER_VERSION } from '../admission/admission.ts';
import {
  errorLabels,
  evaluationLabels,
  exemptionLabels,
  MetricHelp,
  MetricNames,
  metricPolicyVersion,
} from '../admission/metrics.ts';
import type { Decision, MetricAttributes, MetricsRecorder } from '../admission/types.ts';
import { CONNECTION_CLOSE_REASONS, type ConnectionMetrics } from './connection-guard.ts';

/** The webhook's Prometheus registry: upstream's three counters, our transport metrics and process metrics. */
export interface ServerMetrics extends ConnectionMetrics {
  readonly registry: Registry;
  readonly recorder: MetricsRecorder;
  /** The `/metrics` text; a cluster worker replaces it with the aggregate of every worker. */
  readonly exposition: () => Promise<string>;
  observeRequest(code: number, seconds: number): void;
  rejected(reason: 'queue-full' | 'deadline' | 'shutting-down'): void;
  reload(kind: 'tls' | 'config' | 'namespaces', ok: boolean): void;
  /** Reports `read()` as the in-flight gauge, read when metrics are collected (not written on every request). */
  trackInFlight(read: () => number): void;
}

type LabelValues = Readonly<Record<string, string>>;

/** A counter whose series are counted in plain numbers (see {@link deferredCounter}). */
interface DeferredCounter {
  /** The prom-client counter, for series created up front. */
  readonly counter: Counter;
  /** Adds one to the series `key`; `labels` is called once, when the series is first seen. */
  readonly count: (key: string, labels: () => LabelValues) => void;
}

/**
 * A prom-client counter whose series are counted in plain numbers and handed over when metrics are collected:
 * prom-client sorts and joins the label values into a hash on every increment, even through a label-bound child, and
 * a review records up to three evaluations. Series are keyed by the caller's key (the same label space).
 */
function deferredCounter(configuration: CounterConfiguration<string>): DeferredCounter {
  const series = new Map<string, { readonly labels: LabelValues; value: number; reported: number }>();
  const counter: Counter = new Counter({
    ...configuration,
    collect: () => {
      for (const entry of series.values()) {
        if (entry.value === entry.reported) continue;
        counter.inc(entry.labels, entry.value - entry.reported);
        entry.reported = entry.value;
      }
    },
  });
  return {
    counter,
    count(key, labels) {
      const entry = series.get(key);
      if (entry !== undefined) entry.value++;
      else series.set(key, { labels: labels(), value: 1, reported: 0 });
    },
  };
}

/** Label-bound metric children by key, made on first use (`make` runs only then). */
function boundChildren<C>(): (key: string | number, make: () => C) => C {
  const children = new Map<string | number, C>();
  return (key, make) => {
    let child = children.get(key);
    if (child === undefined) {
      child = make();
      children.set(key, child);
    }
    return child;
  };
}

function attributeKey(attributes: MetricAttributes): string {
  return `${attributes.operation}\0${attributes.resource}\0${attributes.subresource}`;
}

/**
 * `serverVersion` is what `policy_version` labels compare with (numbered versions above it are `future`); it defaults to
 * the newest policy version we implement, where upstream uses its build version.
 */
export function createServerMetrics(
  options: { readonly processMetrics?: boolean; readonly serverVersion?: Version } = {},
): ServerMetrics {
  const serverVersion = options.serverVersion ?? DEFAULT_SERVER_VERSION;
  const registry = new Registry();
  const registers = [registry];
  // Upstream's counters: exact names, HELP texts (with the ALPHA stability marker) and label sets.
  const evaluations = deferredCounter({
    name: MetricNames.evaluations,
    help: `[ALPHA] ${MetricHelp.evaluations}`,
    labelNames: ['decision', 'mode', 'policy_level', 'policy_version', 'request_operation', 'resource', 'subresource'],
    registers,
  });
  const exemptions = deferredCounter({
    name: MetricNames.exemptions,
    help: `[ALPHA] ${MetricHelp.exemptions}`,
    labelNames: ['request_operation', 'resource', 'subresource'],
    registers,
  });
  const errors = deferredCounter({
    name: MetricNames.errors,
    help: `[ALPHA] ${MetricHelp.errors}`,
    labelNames: ['fatal', 'request_operation', 'resource', 'subresource'],
    registers,
  });
  for (const operation of ['create', 'update']) {
    evaluations.counter.inc(
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
      exemptions.counter.inc({ request_operation: operation, resource, subresource: '' }, 0);
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
  let readInFlight = (): number => 0;
  new Gauge({
    name: 'psa_webhook_in_flight_requests',
    help: 'Admission requests currently being evaluated.',
    registers,
    collect() {
      this.set(readInFlight());
    },
  });
  let readOpenConnections = (): number => 0;
  new Gauge({
    name: 'psa_webhook_open_connections',
    help: 'Client connections currently open, TLS handshakes included.',
    registers,
    collect() {
      this.set(readOpenConnections());
    },
  });
  const connectionsClosed = new Counter({
    name: 'psa_webhook_connections_closed_total',
    help: 'Client connections closed, by reason (closed: by the client, or after a response asking to close).',
    labelNames: ['reason'],
    registers,
  });
  for (const reason of CONNECTION_CLOSE_REASONS) connectionsClosed.inc({ reason }, 0);
  const closedChildren = boundChildren<{ inc(): void }>();
  const connectionsDropped = new Counter({
    name: 'psa_webhook_connections_dropped_total',
    help: 'Client connections closed on arrival because --max-connections were open.',
    registers,
  });
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });

  // Labels are passed in alphabetical order: prom-client writes them in insertion order, upstream sorts them.
  // Upstream's counters count in plain numbers (see deferredCounter); the request histogram keeps label-bound
  // children, keyed by status code.
  const durationChildren = boundChildren<Histogram.Internal<string>>();
  const recorder: MetricsRecorder = {
    recordEvaluation(decision: Decision, policy: LevelVersion, mode: Mode, attributes: MetricAttributes) {
      const version = metricPolicyVersion(policy, serverVersion);
      const key = `${decision}\0${mode}\0${policy.level}\0${version}\0${attributeKey(attributes)}`;
      evaluations.count(key, () => evaluationLabels(decision, policy, mode, attributes, serverVersion));
    },
    recordExemption(attributes: MetricAttributes) {
      exemptions.count(attributeKey(attributes), () => exemptionLabels(attributes));
    },
    recordError(fatal: boolean, attributes: MetricAttributes) {
      errors.count(`${String(fatal)}\0${attributeKey(attributes)}`, () => errorLabels(fatal, attributes));
    },
  };

  return {
    registry,
    recorder,
    exposition: () => registry.metrics(),
    observeRequest(code, seconds) {
      durationChildren(code, () => duration.labels({ code: String(code) })).observe(seconds);
    },
    rejected(reason) {
      rejectedTotal.inc({ reason });
    },
    reload(kind, ok) {
      reloads.inc({ kind, result: ok ? 'success' : 'failure' });
    },
    trackInFlight(read) {
      readInFlight = read;
    },
    trackOpenConnections(read) {
      readOpenConnections = read;
    },
    connectionClosed(reason) {
      closedChildren(reason, () => connectionsClosed.labels({ reason })).inc();
    },
    connectionDropped() {
      connectionsDropped.inc();
    },
  };
}

import { parseArgs } from 'node:util';
import { suggestFlag } from '../suggest.ts';

/** The default connection budget per process (`--max-connections`); docs/webhook.md says how it was sized. */
export const DEFAULT_MAX_CONNECTIONS = 2048;

/**
 * How long an idle keep-alive connection stays open. Longer than the API server's webhook client keeps idle
 * connections (Go's 90 s), so the client is the one that closes them: a server closing first races the client's next
 * review on that connection, and a POST lost that way fails the call (with `failurePolicy: Fail`, the pod).
 * Upstream's server uses 90 s.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 120_000;

/** Everything `psa serve` is configured with, after flag parsing and validation. */
export interface ServeOptions {
  readonly tlsCertFile: string;
  readonly tlsPrivateKeyFile: string;
  readonly clientCaFile: string | undefined;
  readonly tlsMinVersion: 'TLSv1.2' | 'TLSv1.3';
  readonly securePort: number;
  readonly bindAddress: string;
  readonly configFile: string | undefined;
  readonly talosPatches: readonly string[];
  readonly kubeconfig: string | undefined;
  readonly namespacesFrom: string | undefined;
  readonly clientQpsLimit: number;
  readonly clientQpsBurst: number;
  readonly maxInFlight: number;
  /** Connections held at once per process, TLS handshakes included; more are closed on arrival. */
  readonly maxConnections: number;
  /** Processes sharing the port (node:cluster); 1 runs in-process. */
  /** `auto`: resolved at start-up from the CPUs this process may use (cpu-budget.ts). */
  readonly workers: number | 'auto';
  readonly maxQueued: number;
  /** Upper bound of a request's deadline; also used when the API server sends no `?timeout=`. */
  readonly requestTimeoutMs: number;
  /** Connection deadlines: TLS handshake, request headers, idle keep-alive, and a stalled body or unread response. */
  readonly tlsHandshakeTimeoutMs: number;
  readonly readHeaderTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly slowClientTimeoutMs: number;
  readonly shutdownGracePeriodMs: number;
  /** After SIGTERM, how long to keep serving while `/readyz` fails, so endpoints drop the pod before it stops. */
  readonly shutdownDelayMs: number;
  /** How often watched files (certificates, configuration, namespaces) are checked for changes. */
  readonly fileWatchIntervalMs: number;
  readonly logLevel: string;
}

export const SERVE_USAGE = `Usage: psa serve --tls-cert-file FILE --tls-private-key-file FILE [flags]

Runs the Pod Security validating admission webhook over HTTPS.

TLS:
  --tls-cert-file FILE          serving certificate (PEM, chain allowed); reloaded when the file changes
  --tls-private-key-file FILE   its private key (PEM); reloaded when the file changes
  --client-ca-file FILE         require client certificates signed by this CA bundle (off by default)
  --tls-min-version V           VersionTLS12 (default) or VersionTLS13
  --secure-port N               port to listen on (default 8443)
  --bind-address ADDR           address to listen on (default 0.0.0.0)

Policy:
  --config FILE                 PodSecurityConfiguration, AdmissionConfiguration or Talos machine config;
                                reloaded on change, the last good configuration is kept on a bad edit
  --talos-patch FILE            Talos machine-config patch applied on top of --config (repeatable)

Namespaces and pods:
  --kubeconfig FILE             kubeconfig for the Kubernetes API (default: in-cluster service account)
  --namespaces-from FILE        serve namespaces from a YAML file (List or multi-document Namespaces) instead of
                                the API; reloaded on change. Pod listing then returns no pods.
  --client-qps-limit N          API client requests per second (default 20)
  --client-qps-burst N          API client burst (default 50)

Limits:
  --workers N|auto              processes sharing the port, each with its own namespace cache (default 1; auto:
                                the CPUs this process may use, lowered to the container's CPU limit, at most 4)
  --max-in-flight N             admission requests evaluated concurrently per process (default 64)
  --max-connections N           client connections held at once per process, TLS handshakes included; more are
                                closed on arrival (default 2048)
  --max-queued N                admission requests waiting for a slot before answering 429 (default 512)
  --request-timeout DURATION    longest a request may take; the API server's ?timeout= shortens it (default 10s)
  --tls-handshake-timeout DUR   a connection must finish its TLS handshake within this (default 10s)
  --read-header-timeout DUR     then send a request's headers within this (default 10s)
  --idle-timeout DUR            an idle keep-alive connection is closed after this (default 120s)
  --slow-client-timeout DUR     a request body or a response that makes no progress for this long ends the
                                connection (default 10s)
  --shutdown-delay DUR          after SIGTERM, keep serving with /readyz failing for this long (default 0s)
  --shutdown-grace-period DUR   then how long to wait for in-flight requests (default 25s)
  --file-watch-interval DUR     how often watched files are checked (default 2s)
  --log-level LEVEL             fatal, error, warn, info (default), debug, trace, silent
  -h, --help                    show this help
`;

export type ParsedServeArgs =
  | { readonly kind: 'options'; readonly options: ServeOptions }
  | { readonly kind: 'help' }
  | { readonly kind: 'error'; readonly message: string };

/** The flags of `psa serve` (also read by `psa completion`). */
export const SERVE_FLAGS = {
  'tls-cert-file': { type: 'string' },
  'tls-private-key-file': { type: 'string' },
  'client-ca-file': { type: 'string' },
  'tls-min-version': { type: 'string' },
  'secure-port': { type: 'string' },
  'bind-address': { type: 'string' },
  config: { type: 'string' },
  'talos-patch': { type: 'string', multiple: true },
  kubeconfig: { type: 'string' },
  'namespaces-from': { type: 'string' },
  'client-qps-limit': { type: 'string' },
  'client-qps-burst': { type: 'string' },
  'max-in-flight': { type: 'string' },
  'max-connections': { type: 'string' },
  workers: { type: 'string' },
  'max-queued': { type: 'string' },
  'request-timeout': { type: 'string' },
  'tls-handshake-timeout': { type: 'string' },
  'read-header-timeout': { type: 'string' },
  'idle-timeout': { type: 'string' },
  'slow-client-timeout': { type: 'string' },
  'shutdown-grace-period': { type: 'string' },
  'shutdown-delay': { type: 'string' },
  'file-watch-interval': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `--log-level` values (pino's levels). */
export const LOG_LEVELS = new Set(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Upstream normalizes word separators in flag names: `--secure_port` is `--secure-port`. */
function normalizeFlagNames(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    if (!arg.startsWith('--')) return arg;
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const rest = eq < 0 ? '' : arg.slice(eq);
    return name.replaceAll('_', '-') + rest;
  });
}

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a Go-style duration (`5s`, `1m30s`, `250ms`, `1.5s`) to milliseconds. Returns undefined when invalid.
 * Microsecond and nanosecond units are accepted and rounded up to whole milliseconds.
 */
export function parseGoDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const pattern = /([0-9]*\.?[0-9]+)(ns|us|µs|μs|ms|s|m|h)/y;
  let total = 0;
  let index = 0;
  let sign = 1;
  if (text.startsWith('-') || text.startsWith('+')) {
    sign = text.startsWith('-') ? -1 : 1;
    index = 1;
  }
  if (index >= text.length) return undefined;
  while (index < text.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(text);
    if (match === null) return undefined;
    const value = Number(match[1]);
    const unit = match[2] ?? '';
    const factor = DURATION_UNITS[unit] ?? (unit === 'ns' ? 1e-6 : 1e-3);
    total += value * factor;
    index = pattern.lastIndex;
  }
  return sign * total;
}

function integerFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number | string {
  if (text === undefined) return fallback;
  if (!/^[0-9]+$/.test(text)) return `--${name} must be an integer, got ${JSON.stringify(text)}`;
  const value = Number(text);
  if (value < min || value > max) return `--${name} must be between ${min} and ${max}, got ${text}`;
  return value;
}

function numberFlag(name: string, text: string | undefined, fallback: number): number | string {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0)
    return `--${name} must be a positive number, got ${JSON.stringify(text)}`;
  return value;
}

function durationFlag(name: string, text: string | undefined, fallback: number, allowZero = false): number | string {
  if (text === undefined) return fallback;
  const value = parseGoDuration(text);
  if (value === undefined || value < 0 || (value === 0 && !allowZero))
    return `--${name} must be a ${allowZero ? 'non-negative' : 'positive'} duration such as 10s or 1m30s, got ${JSON.stringify(text)}`;
  return value;
}

/** Parses `psa serve` arguments; every problem is reported as a usage error naming the flag. */
export function parseServeArgs(argv: readonly string[]): ParsedServeArgs {
  let parsed;
  try {
    parsed = parseArgs({ args: normalizeFlagNames(argv), options: SERVE_FLAGS, allowPositionals: true, strict: true });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const unknown = /^Unknown option '([^']+)'/.exec(message);
    if (unknown?.[1] !== undefined)
      return { kind: 'error', message: `unknown flag ${unknown[1]}${suggestFlag(unknown[1], SERVE_FLAGS)}` };
    return { kind: 'error', message };
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (positionals.length > 0)
    return { kind: 'error', message: `unexpected argument ${JSON.stringify(positionals[0])}` };

  const problems: string[] = [];
  const certFile = values['tls-cert-file'];
  const keyFile = values['tls-private-key-file'];
  if (certFile === undefined || certFile === '') problems.push('--tls-cert-file is required');
  if (keyFile === undefined || keyFile === '') problems.push('--tls-private-key-file is required');
  if (values.kubeconfig !== undefined && values['namespaces-from'] !== undefined) {
    problems.push('--kubeconfig and --namespaces-from are mutually exclusive');
  }
  const minVersionText = values['tls-min-version'] ?? 'VersionTLS12';
  const tlsMinVersion =
    minVersionText === 'VersionTLS12' ? 'TLSv1.2' : minVersionText === 'VersionTLS13' ? 'TLSv1.3' : undefined;
  if (tlsMinVersion === undefined)
    problems.push(`--tls-min-version must be VersionTLS12 or VersionTLS13, got ${JSON.stringify(minVersionText)}`);
  const logLevel = values['log-level'] ?? 'info';
  if (!LOG_LEVELS.has(logLevel))
    problems.push(`--log-level must be one of ${[...LOG_LEVELS].join(', ')}, got ${JSON.stringify(logLevel)}`);

  const results = {
    securePort: integerFlag('secure-port', values['secure-port'], 8443, 0, 65535),
    clientQpsLimit: numberFlag('client-qps-limit', values['client-qps-limit'], 20),
    clientQpsBurst: integerFlag('client-qps-burst', values['client-qps-burst'], 50, 1, 1_000_000),
    maxInFlight: integerFlag('max-in-flight', values['max-in-flight'], 64, 1, 100_000),
    maxConnections: integerFlag('max-connections', values['max-connections'], DEFAULT_MAX_CONNECTIONS, 1, 1_000_000),
    // 0 stands for auto here (integerFlag never returns it: its minimum is 1).
    workers:
      values['workers'] === 'auto'
        ? 0
        : values['workers'] === undefined || /^[0-9]+$/.test(values['workers'])
          ? integerFlag('workers', values['workers'], 1, 1, 64)
          : `--workers must be an integer or auto, got ${JSON.stringify(values['workers'])}`,
    maxQueued: integerFlag('max-queued', values['max-queued'], 512, 0, 1_000_000),
    requestTimeoutMs: durationFlag('request-timeout', values['request-timeout'], 10_000),
    tlsHandshakeTimeoutMs: durationFlag('tls-handshake-timeout', values['tls-handshake-timeout'], 10_000),
    readHeaderTimeoutMs: durationFlag('read-header-timeout', values['read-header-timeout'], 10_000),
    idleTimeoutMs: durationFlag('idle-timeout', values['idle-timeout'], KEEP_ALIVE_TIMEOUT_MS),
    slowClientTimeoutMs: durationFlag('slow-client-timeout', values['slow-client-timeout'], 10_000),
    shutdownGracePeriodMs: durationFlag('shutdown-grace-period', values['shutdown-grace-period'], 25_000),
    shutdownDelayMs: durationFlag('shutdown-delay', values['shutdown-delay'], 0, true),
    fileWatchIntervalMs: durationFlag('file-watch-interval', values['file-watch-interval'], 2_000),
  };
  for (const value of Object.values(results)) if (typeof value === 'string') problems.push(value);
  const first = problems[0];
  if (first !== undefined) return { kind: 'error', message: problems.join('; ') };

  const num = (value: number | string): number => (typeof value === 'number' ? value : 0);
  return {
    kind: 'options',
    options: {
      tlsCertFile: certFile ?? '',
      tlsPrivateKeyFile: keyFile ?? '',
      clientCaFile: values['client-ca-file'],
      tlsMinVersion: tlsMinVersion ?? 'TLSv1.2',
      securePort: num(results.securePort),
      bindAddress: values['bind-address'] ?? '0.0.0.0',
      configFile: values.config,
      talosPatches: values['talos-patch'] ?? [],
      kubeconfig: values.kubeconfig,
      namespacesFrom: values['namespaces-from'],
      clientQpsLimit: num(results.clientQpsLimit),
      clientQpsBurst: num(results.clientQpsBurst),
      maxInFlight: num(results.maxInFlight),
      maxConnections: num(results.maxConnections),
      workers: results.workers === 0 ? 'auto' : num(results.workers),
      maxQueued: num(results.maxQueued),
      requestTimeoutMs: num(results.requestTimeoutMs),
      tlsHandshakeTimeoutMs: num(results.tlsHandshakeTimeoutMs),
      readHeaderTimeoutMs: num(results.readHeaderTimeoutMs),
      idleTimeoutMs: num(results.idleTimeoutMs),
      slowClientTimeoutMs: num(results.slowClientTimeoutMs),
      shutdownGracePeriodMs: num(results.shutdownGracePeriodMs),
      shutdownDelayMs: num(results.shutdownDelayMs),
      fileWatchIntervalMs: num(results.fileWatchIntervalMs),
      logLevel,
    },
  };
}

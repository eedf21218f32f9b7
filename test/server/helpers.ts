// Shared fixtures for the server tests: a silent (or capturing) logger, a fake review handler and a free port.
import { createServer } from 'node:net';
import { createLogger, type Logger } from '../../src/server/logger.ts';
import type { ReviewHandler } from '../../src/server/review.ts';

export function silentLogger(): Logger {
  return createLogger('silent', { write: () => true });
}

/** A logger that keeps every JSON line it writes. */
export function capturingLogger(level = 'info'): {
  readonly logger: Logger;
  readonly lines: () => Record<string, unknown>[];
} {
  const lines: string[] = [];
  const logger = createLogger(level, {
    write: (line: string) => {
      lines.push(line);
      return true;
    },
  });
  return { logger, lines: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

/** Answers a JSON body with a fixed review, anything else with upstream's decode error. */
export const echoHandler: ReviewHandler = (body) => {
  try {
    JSON.parse(body);
  } catch {
    return Promise.resolve({ kind: 'error', status: 400, message: 'unable to decode the request' });
  }
  return Promise.resolve({
    kind: 'reviewed',
    body: `{"echo":${String(body.length)}}\n`,
    summary: {
      uid: 'u',
      operation: 'CREATE',
      namespace: 'ns',
      kind: 'Pod',
      resource: 'pods',
      subresource: '',
      name: 'p',
      user: 'alice',
      allowed: true,
      code: undefined,
      warnings: 0,
    },
  });
};

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A TCP port on 127.0.0.1 that nothing listens on (for a server started in another process). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

export interface PodReviewOptions {
  readonly uid: string;
  readonly namespace: string;
  readonly spec: unknown;
  /** The pod's name (metadata.name); also sent as request.name when `requestName` is set, as for a named create. */
  readonly name: string;
  readonly requestName?: boolean;
  readonly user: string;
}

/** A pod CREATE AdmissionReview body, as the API server sends it. */
export function podReviewBody(options: PodReviewOptions): string {
  return JSON.stringify({
    kind: 'AdmissionReview',
    apiVersion: 'admission.k8s.io/v1',
    request: {
      uid: options.uid,
      kind: { group: '', version: 'v1', kind: 'Pod' },
      resource: { group: '', version: 'v1', resource: 'pods' },
      ...(options.requestName === true ? { name: options.name } : {}),
      namespace: options.namespace,
      operation: 'CREATE',
      userInfo: { username: options.user },
      object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: options.name }, spec: options.spec },
    },
  });
}

// Mutation fuzzing of the webhook over HTTPS: recorded AdmissionReviews mutated structurally (values replaced with
// random JSON, keys dropped or renamed, types swapped, deep nesting) and textually (bytes flipped, truncated, spliced),
// plus pure garbage. Every request must get a well-formed HTTP answer within the client timeout, and the server must
// keep serving (checked with /healthz after the run).
import { readdirSync, readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { send } from './client.ts';

export interface FuzzResult {
  readonly requests: number;
  readonly byStatus: Readonly<Record<string, number>>;
  /** Requests that got no HTTP answer (connection error or client timeout). */
  readonly failures: number;
  readonly failureSamples: readonly string[];
  /** 200 answers whose body is not a JSON AdmissionReview with a response. */
  readonly malformed: number;
  /** The first few bodies answered 500 (upstream answers 500 where its handler would crash, e.g. no request). */
  readonly serverErrorSamples: readonly string[];
  readonly seconds: number;
  readonly healthyAfter: boolean;
}

/** mulberry32: a small seeded PRNG so a failing run can be replayed with its seed. */
export function createRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING_STRINGS = [
  '',
  ' ',
  'CREATE',
  'UPDATE',
  'DELETE',
  'pods',
  'namespaces',
  'v1',
  'apps',
  'Pod',
  'Namespace',
  'ephemeralcontainers',
  'status',
  'restricted',
  'baseline',
  'privileged',
  'latest',
  'v1.0',
  'v1.99999999999999999999',
  'kube-system',
  '\u0000',
  '\ud800',
  '<>&',
  'é',
  '💥',
  'a'.repeat(300),
];
const INTERESTING_NUMBERS = [0, -1, 1, 1.5, 2 ** 31, 2 ** 53 + 1, -(2 ** 63), 1e308, Number.MIN_VALUE];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function randomJson(random: () => number, depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.2) return pick(random, INTERESTING_STRINGS);
  if (roll < 0.35) return pick(random, INTERESTING_NUMBERS);
  if (roll < 0.45) return random() < 0.5;
  if (roll < 0.55) return null;
  if (roll < 0.75) return Array.from({ length: Math.floor(random() * 4) }, () => randomJson(random, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(random() * 4); i > 0; i--)
    object[pick(random, ['name', 'image', 'kind', 'spec', 'metadata', 'securityContext', 'x'])] = randomJson(
      random,
      depth + 1,
    );
  return object;
}

/** Collects [container, key] pairs for every value inside `root`. */
function slots(root: unknown, out: [Record<string, unknown> | unknown[], string | number][] = []): typeof out {
  if (Array.isArray(root)) {
    root.forEach((value, index) => {
      out.push([root, index]);
      slots(value, out);
    });
  } else if (typeof root === 'object' && root !== null) {
    for (const [key, value] of Object.entries(root)) {
      out.push([root as Record<string, unknown>, key]);
      slots(value, out);
    }
  }
  return out;
}

function mutateStructure(random: () => number, review: unknown): string {
  const root = structuredClone(review);
  const rounds = 1 + Math.floor(random() * 4);
  for (let i = 0; i < rounds; i++) {
    const all = slots(root);
    if (all.length === 0) break;
    const [container, key] = pick(random, all);
    const roll = random();
    if (Array.isArray(container)) {
      const index = key as number;
      if (roll < 0.3) container.splice(index, 1);
      else if (roll < 0.5) container.push(structuredClone(container[index]));
      else container[index] = randomJson(random, 0);
    } else {
      const record = container;
      const name = key as string;
      if (roll < 0.3) Reflect.deleteProperty(record, name);
      else if (roll < 0.4) {
        record[`${name}X`] = record[name];
        Reflect.deleteProperty(record, name);
      } else if (roll < 0.5) record[name] = JSON.stringify(record[name] ?? null);
      else record[name] = randomJson(random, 0);
    }
  }
  return JSON.stringify(root);
}

function mutateText(random: () => number, text: string): Buffer {
  const bytes = Buffer.from(text, 'utf8');
  const roll = random();
  if (roll < 0.3) return bytes.subarray(0, Math.floor(random() * bytes.length));
  if (roll < 0.6) {
    const copy = Buffer.from(bytes);
    for (let i = 1 + Math.floor(random() * 8); i > 0; i--)
      copy[Math.floor(random() * copy.length)] = Math.floor(random() * 256);
    return copy;
  }
  if (roll < 0.8) {
    const at = Math.floor(random() * bytes.length);
    return Buffer.concat([
      bytes.subarray(0, at),
      Buffer.from(pick(random, ['{', '}', '[', ']', '"', ',', ':', '\\u', 'null', '1e999', '\u2028'])),
      bytes.subarray(at),
    ]);
  }
  const a = Math.floor(random() * bytes.length);
  const b = Math.floor(random() * bytes.length);
  return Buffer.concat([
    bytes.subarray(0, Math.min(a, b)),
    bytes.subarray(Math.max(a, b)),
    bytes.subarray(Math.min(a, b), Math.max(a, b)),
  ]);
}

function garbage(random: () => number): Buffer {
  const roll = random();
  if (roll < 0.3)
    return Buffer.from(Array.from({ length: Math.floor(random() * 512) }, () => Math.floor(random() * 256)));
  if (roll < 0.5) {
    const depth = 1 + Math.floor(random() * 20_000);
    return Buffer.from(`${'['.repeat(depth)}${']'.repeat(random() < 0.5 ? depth : 0)}`);
  }
  if (roll < 0.7) {
    const depth = 1 + Math.floor(random() * 5_000);
    return Buffer.from(`{"request":${'{"object":'.repeat(depth)}1${'}'.repeat(depth)}}`);
  }
  return Buffer.from(JSON.stringify(randomJson(random, 0)));
}

/** One fuzzed request: a seed review mutated structurally or textually, or garbage, and its content type. */
export function fuzzBody(random: () => number, seeds: readonly unknown[]): { body: Buffer; contentType: string } {
  const roll = random();
  const seed = pick(random, seeds);
  let body: Buffer;
  if (roll < 0.55) body = Buffer.from(mutateStructure(random, seed));
  else if (roll < 0.85) body = mutateText(random, JSON.stringify(seed));
  else body = garbage(random);
  const contentType =
    random() < 0.97 ? 'application/json' : pick(random, ['text/plain', 'application/json; charset=utf-8', '']);
  return { body, contentType };
}

export function loadSeedReviews(dir = 'testdata/server/reviews'): unknown[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown);
}

export async function runFuzz(options: {
  readonly port: number;
  readonly ca: Buffer;
  readonly count: number;
  readonly seed: number;
  readonly concurrency: number;
  readonly timeoutMs?: number;
}): Promise<FuzzResult> {
  const random = createRandom(options.seed);
  const seeds = loadSeedReviews();
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, ca: options.ca });
  const byStatus: Record<string, number> = {};
  const failureSamples: string[] = [];
  let failures = 0;
  let malformed = 0;
  const serverErrorSamples: string[] = [];
  let next = 0;
  const started = performance.now();

  const makeBody = (): { body: Buffer; contentType: string } => fuzzBody(random, seeds);

  const worker = async (): Promise<void> => {
    while (next < options.count) {
      next++;
      const { body, contentType } = makeBody();
      try {
        const res = await send(options.port, {
          ca: options.ca,
          agent,
          path: '/?timeout=10s',
          headers: contentType === '' ? {} : { 'Content-Type': contentType },
          body,
          timeoutMs: options.timeoutMs ?? 15_000,
        });
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        if (res.status === 500) {
          if (res.body !== 'internal server error\n') malformed++;
          if (serverErrorSamples.length < 5) serverErrorSamples.push(body.subarray(0, 600).toString('utf8'));
        }
        if (res.status === 200) {
          try {
            const parsed = JSON.parse(res.body) as { response?: { allowed?: unknown } };
            if (typeof parsed.response?.allowed !== 'boolean') malformed++;
          } catch {
            malformed++;
          }
        }
      } catch (error) {
        failures++;
        if (failureSamples.length < 5)
          failureSamples.push(
            `${error instanceof Error ? error.message : String(error)}: ${body.subarray(0, 200).toString('utf8')}`,
          );
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const seconds = (performance.now() - started) / 1000;
  let healthyAfter: boolean;
  try {
    healthyAfter = (await send(options.port, { ca: options.ca, method: 'GET', path: '/healthz' })).body === 'ok';
  } catch {
    healthyAfter = false;
  }
  agent.destroy();
  return {
    requests: options.count,
    byStatus,
    failures,
    failureSamples,
    malformed,
    serverErrorSamples,
    seconds,
    healthyAfter,
  };
}

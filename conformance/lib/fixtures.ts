/**
 * Loads our fixture corpus (testdata/fixtures, written by the fixture generator) as oracle requests: one request per
 * fixture pod at the level and version it was generated for.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { defaultRawPod } from './engine.ts';
import type { EvalRequest } from './oracle.ts';

export const FIXTURE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'testdata', 'fixtures');
export const FIXTURE_INDEX = join(FIXTURE_DIR, 'index.json');

/** The fixture index or a fixture file is not what this loader understands. */
export class FixtureError extends Error {
  override readonly name = 'FixtureError';
}

export interface FixtureRequest {
  /** The fixture file, relative to testdata/fixtures. */
  readonly where: string;
  readonly request: EvalRequest;
  /** What the corpus says upstream does with it, when the index says (`pass` = allowed). */
  readonly expect?: 'pass' | 'fail';
}

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringAt(entry: Raw, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = entry[key];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

/** `<level>/v1.N/...` in a fixture path gives its level and version when the index does not say. */
function fromPath(file: string): { level?: string; version?: string } {
  const match = /(?:^|\/)(privileged|baseline|restricted)\/(v1\.[0-9]+|latest)\//.exec(file);
  return match === null ? {} : { level: match[1]!, version: match[2]! };
}

function entriesOf(index: unknown): unknown[] {
  if (Array.isArray(index)) return index;
  if (isRecord(index)) {
    for (const key of ['fixtures', 'entries', 'cases', 'files']) {
      const value = index[key];
      if (Array.isArray(value)) return value;
    }
  }
  throw new FixtureError(`${FIXTURE_INDEX}: expected an array of fixtures (or {fixtures: [...]})`);
}

/** Reads the index and every fixture it names; pods get the same API-server defaults as generated cases. */
export function loadFixtureRequests(): FixtureRequest[] {
  const index: unknown = JSON.parse(readFileSync(FIXTURE_INDEX, 'utf8'));
  const out: FixtureRequest[] = [];
  for (const [i, entry] of entriesOf(index).entries()) {
    const record: Raw = typeof entry === 'string' ? { file: entry } : isRecord(entry) ? entry : {};
    const file = stringAt(record, 'file', 'path');
    if (file === undefined) throw new FixtureError(`${FIXTURE_INDEX}: entry ${String(i)} names no file`);
    const guessed = fromPath(file);
    const level = stringAt(record, 'level') ?? guessed.level;
    const version = stringAt(record, 'version') ?? guessed.version;
    if (level === undefined || version === undefined) {
      throw new FixtureError(`${FIXTURE_INDEX}: entry ${String(i)} (${file}) has no level/version`);
    }
    const text = readFileSync(join(FIXTURE_DIR, file), 'utf8');
    const docs = parseAllDocuments(text);
    for (const [d, doc] of docs.entries()) {
      if (doc.errors.length > 0) throw new FixtureError(`${file}: ${doc.errors[0]!.message}`);
      const pod: unknown = doc.toJS();
      if (pod === null || pod === undefined) continue;
      const expect = stringAt(record, 'expect');
      out.push({
        where: docs.length > 1 ? `${file}#${String(d)}` : file,
        request: { id: out.length, level, version, pod: defaultRawPod(pod) },
        ...(expect === 'pass' || expect === 'fail' ? { expect } : {}),
      });
    }
  }
  return out;
}

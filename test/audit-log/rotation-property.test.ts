// Properties of `psa audit-log` over the real recorded log: splitting it into rotated files (kube-apiserver's or
// logrotate's names), gzipping some of them and handing them over as a folder or in any order gives the same report;
// a last line cut anywhere is one bad line (reported with its number), never an error, and the rest counts as before.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { runCli } from '../../src/cli/run.ts';
import type { AuditLogReport } from '../../src/cli/audit-log/report.ts';
import type { CliIo } from '../../src/process-io.ts';

const root = resolve(import.meta.dirname, '..', '..');
const CONFIG = join(root, 'test/audit-log/fixtures/real/config.yaml');
const LINES = gunzipSync(readFileSync(join(root, 'test/audit-log/fixtures/real/audit.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter((l) => l !== '');

async function report(args: readonly string[]): Promise<{ code: number; report: AuditLogReport; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    stdin: process.stdin,
    cwd: root,
    env: {},
  };
  const code = await runCli(['audit-log', '-c', CONFIG, '-o', 'json', ...args], io);
  return { code, report: JSON.parse(out) as AuditLogReport, err };
}

function withTempDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'psa-audit-log-'));
  return body(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** The rotated files' names, oldest first, for `parts` files: kube-apiserver's (lumberjack) or logrotate's scheme. */
function rotationNames(parts: number, scheme: 'lumberjack' | 'logrotate', gzipped: readonly boolean[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < parts - 1; i++) {
    const gz = gzipped[i] === true ? '.gz' : '';
    names.push(
      scheme === 'lumberjack'
        ? `audit-2026-12-04T${String(10 + i).padStart(2, '0')}-00-00.000.log${gz}`
        : `audit.log.${String(parts - 1 - i)}${gz}`,
    );
  }
  names.push('audit.log');
  return names;
}

const single = withTempDir(async (dir) => {
  const file = join(dir, 'audit.log');
  writeFileSync(file, `${LINES.join('\n')}\n`);
  return (await report([file])).report;
});

describe('psa audit-log: rotation, compression and order do not change the report', () => {
  it('splits, gzips and reorders', async () => {
    const expected = await single;
    assert.ok(expected.events.podSecurity > 10);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.integer({ min: 1, max: LINES.length - 1 }), { maxLength: 6 }),
        fc.constantFrom('lumberjack' as const, 'logrotate' as const),
        fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
        fc.boolean(),
        fc.integer(),
        async (cuts, scheme, gzipped, asFolder, seed) =>
          withTempDir(async (dir) => {
            const bounds = [0, ...[...cuts].sort((a, b) => a - b), LINES.length];
            const names = rotationNames(bounds.length - 1, scheme, gzipped);
            const files = names.map((name, i) => {
              const text = `${LINES.slice(bounds[i], bounds[i + 1]).join('\n')}\n`;
              writeFileSync(join(dir, name), name.endsWith('.gz') ? gzipSync(text) : text);
              return join(dir, name);
            });
            // Any order on the command line: a seeded shuffle.
            const shuffled = [...files].sort(
              (a, b) => ((a.length * 7919 + seed) % 13) - ((b.length * 7919 + seed) % 13) || (a < b ? -1 : 1),
            );
            const got = await report(asFolder ? [dir] : shuffled);
            assert.equal(got.code, expected.namespaces.some((n) => n.refused > 0) ? 1 : 0);
            assert.deepEqual(got.report, expected);
          }),
      ),
      { numRuns: 25 },
    );
  });

  it('counts a cut last line as one bad line with its number, and reads the rest', async () => {
    const without = await withTempDir(async (dir) => {
      writeFileSync(join(dir, 'audit.log'), `${LINES.slice(0, -1).join('\n')}\n`);
      return (await report([join(dir, 'audit.log')])).report;
    });
    const last = LINES.at(-1)!;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: last.length - 1 }), fc.boolean(), async (cut, gzip) =>
        withTempDir(async (dir) => {
          const text = `${LINES.slice(0, -1).join('\n')}\n${last.slice(0, cut)}`;
          const file = join(dir, gzip ? 'audit.log.gz' : 'audit.log');
          writeFileSync(file, gzip ? gzipSync(text) : text);
          const got = await report([file]);
          assert.notEqual(got.code, 2, got.err);
          assert.equal(got.report.events.badLines, 1);
          assert.deepEqual(got.report.badLines, [
            { file, line: LINES.length, reason: 'truncated last line (not valid JSON)' },
          ]);
          assert.deepEqual(got.report.namespaces, without.namespaces);
          assert.equal(got.report.events.read, without.events.read);
        }),
      ),
      { numRuns: 20 },
    );
  });
});

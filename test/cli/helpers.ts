import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/run.ts';
import type { CliIo } from '../../src/process-io.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly stdin?: string | Buffer;
  readonly env?: Record<string, string>;
  readonly tty?: boolean;
}

/** Runs `psa ARGS` in-process from the repository root with captured output. */
export async function psa(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const stdin = Readable.from(options.stdin === undefined ? [] : [options.stdin]);
  const io: CliIo = {
    stdout: { write: (s: string) => (stdout += s), isTTY: options.tty === true },
    stderr: { write: (s: string) => (stderr += s), isTTY: false },
    stdin,
    cwd: ROOT,
    env: options.env ?? {},
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/**
 * Golden files under test/cli/golden/<suite>/: `UPDATE_GOLDEN=1` rewrites them; `assertAllClaimed` fails on files no
 * test compared against.
 */
export function goldens(suite: string): { check(name: string, actual: string): void; assertAllClaimed(): void } {
  const dir = join(ROOT, 'test', 'cli', 'golden', suite);
  const claimed = new Set<string>();
  return {
    check(name, actual) {
      claimed.add(name);
      const path = join(dir, name);
      if (process.env['UPDATE_GOLDEN'] === '1') {
        mkdirSync(dir, { recursive: true });
        writeFileSync(path, actual);
        return;
      }
      let expected: string;
      try {
        expected = readFileSync(path, 'utf8');
      } catch {
        assert.fail(`missing golden file ${path} (run with UPDATE_GOLDEN=1)`);
      }
      assert.equal(actual, expected, `output differs from ${path}`);
    },
    assertAllClaimed() {
      let files: string[];
      try {
        files = readdirSync(dir);
      } catch {
        return;
      }
      const unclaimed = files.filter((f) => !claimed.has(f));
      assert.deepEqual(unclaimed, [], `golden files no test claims in ${dir}`);
    },
  };
}

export function lines(text: string): string[] {
  return text.split('\n');
}

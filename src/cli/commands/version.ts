import { readFileSync } from 'node:fs';
import type { CliIo } from '../../process-io.ts';
import { newestPolicyVersion } from '../../policy/newest-version.ts';

// Where package.json is from this module: src/cli/commands or dist/cli/commands (tsc), or dist/psa.cjs (the bundle).
const PACKAGE_JSON_CANDIDATES = ['../../../package.json', '../package.json'];

function packageVersion(): string {
  for (const candidate of PACKAGE_JSON_CANDIDATES) {
    try {
      const text = readFileSync(new URL(candidate, import.meta.url), 'utf8');
      const parsed = JSON.parse(text) as { name?: unknown; version?: unknown };
      if (parsed.name === 'kube-psa' && typeof parsed.version === 'string') return parsed.version;
    } catch {
      // Not there (or not readable): try the next place.
    }
  }
  return 'unknown';
}

export const PSA_VERSION = packageVersion();

/** `psa version`: the package version and the newest Pod Security policy version it knows. */
export function runVersionCommand(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.stdout.write(
      'Usage: psa version\n\nPrints the psa version and the newest Pod Security policy version it evaluates.\n',
    );
    return Promise.resolve(0);
  }
  io.stdout.write(
    `psa ${PSA_VERSION} (kube-psa)\npolicy versions: v1.0 to ${newestPolicyVersion.text} (latest = ${newestPolicyVersion.text})\n`,
  );
  return Promise.resolve(0);
}

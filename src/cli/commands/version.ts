import { readFileSync } from 'node:fs';
import type { CliIo } from '../../process-io.ts';
import { newestPolicyVersion } from '../../policy/index.ts';

function packageVersion(): string {
  try {
    // src/cli/commands -> package root (also dist/cli/commands after the build).
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8');
    const parsed = JSON.parse(text) as { version?: unknown };
    return typeof parsed.version === 'string' ? parsed.version : 'unknown';
  } catch {
    return 'unknown';
  }
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

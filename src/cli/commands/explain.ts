import type { CliIo } from '../../process-io.ts';

export function runExplainCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('psa explain: not implemented yet\n');
  return Promise.resolve(2);
}

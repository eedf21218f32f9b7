import type { CliIo } from '../../process-io.ts';

export function runFixCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('psa fix: not implemented yet\n');
  return Promise.resolve(2);
}

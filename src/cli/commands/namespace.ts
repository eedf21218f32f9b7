import type { CliIo } from '../../process-io.ts';

export function runNamespaceCommand(_argv: readonly string[], io: CliIo): Promise<number> {
  io.stderr.write('psa namespace: not implemented yet\n');
  return Promise.resolve(2);
}

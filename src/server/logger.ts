import process from 'node:process';
import { pino, type Logger } from 'pino';
import type { OutputStream } from '../process-io.ts';

export type { Logger } from 'pino';

/** A JSON-lines logger writing to `stream` (the command's stdout); the level comes from `--log-level`. */
export function createLogger(level: string, stream: OutputStream): Logger {
  return pino(
    {
      level,
      // pid tells `--workers` processes apart.
      base: { component: 'psa-webhook', pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    { write: (line: string) => stream.write(line) },
  );
}

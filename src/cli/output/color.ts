import type { CliIo } from '../../process-io.ts';

export interface Palette {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
}

const plain: Palette = { bold: (s) => s, dim: (s) => s, red: (s) => s, yellow: (s) => s, green: (s) => s };

/** No colours: for output written to files. */
export const PLAIN_PALETTE: Palette = plain;

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;

const ansi: Palette = { bold: sgr(1, 22), dim: sgr(2, 22), red: sgr(31, 39), yellow: sgr(33, 39), green: sgr(32, 39) };

/** Colours only on a terminal, and never when NO_COLOR is set (to anything non-empty). */
export function paletteFor(io: CliIo, stream: 'stdout' | 'stderr' = 'stdout'): Palette {
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return plain;
  return io[stream].isTTY === true ? ansi : plain;
}

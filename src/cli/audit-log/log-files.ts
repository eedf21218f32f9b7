/**
 * Which files an `psa audit-log` argument names, in time order. A folder holds one log and its rotations:
 * kube-apiserver's own (lumberjack: `audit-2026-12-04T10-00-00.000.log[.gz]`, the live `audit.log` last) or
 * logrotate's (`audit.log.2.gz` before `audit.log.1` before `audit.log`).
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Standard input, as `-` names it. */
export const STDIN = '-';

const LUMBERJACK_TIME = /(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}(?:\.\d+)?)/;
const LOGROTATE_NUMBER = /\.(\d+)(?:\.gz)?$/;

interface RotationKey {
  /** 0: timestamped backups, 1: numbered backups, 2: the live file(s). */
  readonly group: number;
  readonly key: string;
  readonly number: number;
}

function rotationKey(name: string): RotationKey {
  const time = LUMBERJACK_TIME.exec(name);
  if (time !== null) return { group: 0, key: time[1]!, number: 0 };
  const numbered = LOGROTATE_NUMBER.exec(name);
  if (numbered !== null) return { group: 1, key: '', number: -Number(numbered[1]) };
  return { group: 2, key: name, number: 0 };
}

/** File names of one log's rotations, oldest first. */
export function sortByRotation(names: readonly string[]): string[] {
  return [...names].sort((a, b) => {
    const x = rotationKey(a);
    const y = rotationKey(b);
    if (x.group !== y.group) return x.group - y.group;
    if (x.key !== y.key) return x.key < y.key ? -1 : 1;
    if (x.number !== y.number) return x.number - y.number;
    return a < b ? -1 : a > b ? 1 : 0;
  });
}

/** The files to read for the arguments, in order: files as given, folders expanded (non-recursively, no dotfiles). */
export async function expandLogArguments(
  args: readonly string[],
  resolvePath: (path: string) => string,
): Promise<{ readonly files: readonly string[]; readonly errors: readonly string[] }> {
  const files: string[] = [];
  const errors: string[] = [];
  for (const arg of args) {
    if (arg === STDIN) {
      files.push(STDIN);
      continue;
    }
    const path = resolvePath(arg);
    try {
      const info = await stat(path);
      if (!info.isDirectory()) {
        files.push(arg);
        continue;
      }
      const entries = await readdir(path, { withFileTypes: true });
      const names = entries.filter((e) => e.isFile() && !e.name.startsWith('.')).map((e) => e.name);
      if (names.length === 0) errors.push(`${arg}: no files in the folder`);
      for (const name of sortByRotation(names)) files.push(join(arg, name));
    } catch (error) {
      errors.push(
        `${arg}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : String(error)}`,
      );
    }
  }
  return { files, errors };
}

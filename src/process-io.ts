/** What a command may touch of the outside world; tests pass fakes. Only `src/main.ts` exits the process. */
export interface CliIo {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

export interface OutputStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
}

/** A command: argv after the command name, returns the exit code (0 clean, 1 violations, 2 usage/config/parse errors). */
export type CommandRunner = (argv: readonly string[], io: CliIo) => Promise<number>;

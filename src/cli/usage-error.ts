/** A usage error: printed with the command's usage hint, exit code 2. No Node API (the playground reports it too). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Constructors for check results. Every allowed result is the same frozen object, so allowing costs nothing. */
import type { CheckResult } from './types.ts';

/** The one shared allowed result. */
export const ALLOWED: CheckResult = Object.freeze({ allowed: true });

/** A forbidden result; `reason` is short and always shown, `detail` names the offending fields. */
export function forbidden(reason: string, detail: string): CheckResult {
  return { allowed: false, reason, detail };
}

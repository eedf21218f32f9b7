/** The newest policy version the built-in checks know, in a module of its own so `psa version` loads no checks. */
import { majorMinor, type Version } from '../api/version.ts';

/** The newest policy version the built-in checks know (`latest` and anything newer evaluate as this). */
export const newestPolicyVersion: Version = majorMinor(37);

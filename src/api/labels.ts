/** The namespace label keys that select a Pod Security policy. */
export const LABEL_PREFIX = 'pod-security.kubernetes.io/';

export const Modes = { enforce: 'enforce', audit: 'audit', warn: 'warn' } as const;
export type Mode = (typeof Modes)[keyof typeof Modes];

export const LabelKeys = {
  enforce: 'pod-security.kubernetes.io/enforce',
  enforceVersion: 'pod-security.kubernetes.io/enforce-version',
  audit: 'pod-security.kubernetes.io/audit',
  auditVersion: 'pod-security.kubernetes.io/audit-version',
  warn: 'pod-security.kubernetes.io/warn',
  warnVersion: 'pod-security.kubernetes.io/warn-version',
} as const;

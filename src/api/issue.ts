/** A problem with input, located by a field path and, for manifests, a file position. */
export interface Issue {
  readonly code: IssueCode;
  /** Dotted field path with indices, e.g. `spec.containers[0].securityContext.privileged`. */
  readonly path: string;
  readonly message: string;
}

export const IssueCodes = {
  invalidType: 'invalid_type',
  invalidValue: 'invalid_value',
  unknownKind: 'unknown_kind',
  parse: 'parse',
} as const;
export type IssueCode = (typeof IssueCodes)[keyof typeof IssueCodes];

export type Result<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issues: readonly Issue[] };

/** Renders an issue as `path: message` (or just the message when the path is empty). */
export function formatIssue(issue: Issue): string {
  return issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`;
}

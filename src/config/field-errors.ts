/**
 * apimachinery's field-error texts as PSA's configuration validation prints them (spec Appendix B), plus Go's `%q`
 * quoting they rely on (spec §0.3).
 */

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;
const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: '\\a',
  0x08: '\\b',
  0x0c: '\\f',
  0x0a: '\\n',
  0x0d: '\\r',
  0x09: '\\t',
  0x0b: '\\v',
  0x22: '\\"',
  0x5c: '\\\\',
};

/** Go's `strconv.Quote`. Lone surrogates count as U+FFFD, as Go's decoders would have produced. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    let cp = ch.codePointAt(0) ?? 0xfffd;
    let text = ch;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
      text = '\ufffd';
    }
    const short = SHORT_ESCAPES[cp];
    if (short !== undefined) out += short;
    else if (cp === 0x20 || PRINTABLE.test(text)) out += text;
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (cp < 0x10000) out += `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += `\\U${cp.toString(16).padStart(8, '0')}`;
  }
  return `${out}"`;
}

export const FieldErrorTypes = { invalid: 'FieldValueInvalid', duplicate: 'FieldValueDuplicate' } as const;
export type FieldErrorType = (typeof FieldErrorTypes)[keyof typeof FieldErrorTypes];

/** One field error: `<path>: Invalid value: "<v>": <detail>` or `<path>: Duplicate value: "<v>"`. */
export interface FieldError {
  readonly type: FieldErrorType;
  readonly path: string;
  readonly value: string;
  readonly detail: string;
}

export function invalidValue(path: string, value: string, detail: string): FieldError {
  return { type: FieldErrorTypes.invalid, path, value, detail };
}

export function duplicateValue(path: string, value: string): FieldError {
  return { type: FieldErrorTypes.duplicate, path, value, detail: '' };
}

/** The error body without its path. */
export function formatFieldErrorBody(error: FieldError): string {
  if (error.type === FieldErrorTypes.duplicate) return `Duplicate value: ${goQuote(error.value)}`;
  const base = `Invalid value: ${goQuote(error.value)}`;
  return error.detail === '' ? base : `${base}: ${error.detail}`;
}

export function formatFieldError(error: FieldError): string {
  return `${error.path}: ${formatFieldErrorBody(error)}`;
}

/** apimachinery's aggregate: identical messages removed, one shown alone, several as `[a, b]`. */
export function aggregateMessages(messages: readonly string[]): string {
  const unique = [...new Set(messages)];
  if (unique.length === 1) return unique[0]!;
  return `[${unique.join(', ')}]`;
}

const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const LABEL_FORMAT_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const SUBDOMAIN_FORMAT_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/** Go's `len` counts UTF-8 bytes. */
function byteLength(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** Messages for an RFC 1123 subdomain (RuntimeClass names); empty when valid. */
export function subdomainMessages(value: string): string[] {
  const out: string[] = [];
  if (byteLength(value) > SUBDOMAIN_MAX) out.push(`must be no more than ${String(SUBDOMAIN_MAX)} characters`);
  if (!SUBDOMAIN.test(value)) out.push(SUBDOMAIN_FORMAT_MESSAGE);
  return out;
}

/** Messages for a namespace name (an RFC 1123 label, with the dots hint); empty when valid. */
export function namespaceNameMessages(value: string): string[] {
  const out: string[] = [];
  if (byteLength(value) > LABEL_MAX) out.push(`must be no more than ${String(LABEL_MAX)} characters`);
  if (!LABEL.test(value)) {
    if (subdomainMessages(value).length === 0) out.push('must not contain dots');
    else out.push(LABEL_FORMAT_MESSAGE);
  }
  return out;
}

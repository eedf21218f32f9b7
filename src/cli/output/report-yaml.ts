/**
 * Block-style YAML for JSON data (objects, arrays, strings, numbers, booleans), in the layout `yaml`'s `stringify`
 * writes (two-space indent, sequences indented under their key), for policy reports. Written by hand because
 * per-pod reports run to hundreds of megabytes on large clusters and the general library takes ~0.1 s per report;
 * this takes milliseconds. A string is written plain when it cannot be read back as anything else, by YAML 1.2 or by
 * the YAML 1.1 Kubernetes' own decoder follows (`yes`, `on` are booleans there), and double-quoted (JSON escapes,
 * which are valid YAML) otherwise.
 */

/** Plain scalars that a YAML 1.1 or 1.2 reader takes as something other than a string. */
const NOT_A_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|[-+]?(?:\.[0-9]+|[0-9][0-9_]*(?:\.[0-9_]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?0[xob][0-9a-fA-F_]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?|[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}.*|<<|=)$/;

/** Characters a plain scalar cannot start with, and anything a plain scalar cannot contain. */
const UNSAFE_START = /^[-?:,[\]{}#&*!|>'"%@`\s]/;
// eslint-disable-next-line no-control-regex -- control characters force quoting
const UNSAFE_ANYWHERE = /: |:$| #|[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\s$/;

function scalar(value: string | number | boolean | null): string {
  if (typeof value !== 'string') return String(value);
  if (value === '' || NOT_A_STRING.test(value) || UNSAFE_START.test(value) || UNSAFE_ANYWHERE.test(value))
    return JSON.stringify(value);
  return value;
}

function isEmptyCollection(value: unknown): boolean {
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === 'object' && value !== null && Object.keys(value).length === 0;
}

/** Writes `value` (an object or array) at `indent`, each line ending in a newline. */
function block(value: unknown, indent: string, out: string[]): void {
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) {
      if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
        // The item's first line follows the dash; the rest are indented to line up with it.
        const lines: string[] = [];
        block(item, `${indent}  `, lines);
        out.push(`${indent}- ${lines[0]!.slice(indent.length + 2)}`, ...lines.slice(1));
      } else out.push(`${indent}- ${inline(item)}\n`);
    }
    return;
  }
  for (const [name, item] of Object.entries(value as Record<string, unknown>)) {
    if (item === undefined) continue;
    if (typeof item === 'object' && item !== null && !isEmptyCollection(item)) {
      out.push(`${indent}${scalar(name)}:\n`);
      block(item, `${indent}  `, out);
    } else out.push(`${indent}${scalar(name)}: ${inline(item)}\n`);
  }
}

function inline(value: unknown): string {
  if (Array.isArray(value)) return '[]';
  if (typeof value === 'object' && value !== null) return '{}';
  return scalar(value as string | number | boolean | null);
}

/** `value` (an object) as a YAML block mapping. */
export function toYaml(value: Readonly<Record<string, unknown>>): string {
  const out: string[] = [];
  block(value, '', out);
  return out.join('');
}

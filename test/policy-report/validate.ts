// Validates report objects against the report CRDs' schemas (schemas/, see its README). Used by the tests of every
// command that writes PolicyReports or OpenReports.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';

const SCHEMA_DIR = join(import.meta.dirname, 'schemas');

/**
 * A CRD's structural schema as JSON Schema: the x-kubernetes-* extensions dropped and every object that declares its
 * properties closed (the API server prunes undeclared fields, so an extra field is a field lost).
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key.startsWith('x-kubernetes-') || key === 'format') continue;
    out[key] = key === 'properties' ? mapValues(value as Record<string, unknown>) : toJsonSchema(value);
  }
  if ('properties' in out && !('additionalProperties' in out)) out['additionalProperties'] = false;
  return out;
}

function mapValues(properties: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, toJsonSchema(v)]));
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();
for (const file of [
  'wgpolicyk8s.io_policyreports.json',
  'wgpolicyk8s.io_clusterpolicyreports.json',
  'openreports.io_reports.json',
  'openreports.io_clusterreports.json',
]) {
  const crd = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8'));
  const version = crd.spec.versions[0];
  validators.set(
    `${crd.spec.group}/${version.name} ${crd.spec.names.kind}`,
    ajv.compile(toJsonSchema(version.schema.openAPIV3Schema) as object),
  );
}

/** Validates against the CRD of the report's apiVersion and kind; returns the errors as readable lines. */
export function reportSchemaErrors(report: unknown): string[] {
  const { apiVersion, kind } = report as { apiVersion?: string; kind?: string };
  const validate = validators.get(`${apiVersion ?? ''} ${kind ?? ''}`);
  if (validate === undefined) return [`no CRD schema for ${apiVersion ?? '?'} ${kind ?? '?'}`];
  if (validate(report)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

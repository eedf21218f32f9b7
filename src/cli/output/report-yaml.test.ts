import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parse } from 'yaml';
import { toYaml } from './report-yaml.ts';

test('strings that would read back as something else are quoted; the rest are plain', () => {
  const cases: [string, string][] = [
    ['pod-security', 'pod-security'],
    ['restricted:latest', 'restricted:latest'],
    ['Deployment/web', 'Deployment/web'],
    ['1', '"1"'],
    ['1.5', '"1.5"'],
    ['yes', '"yes"'],
    ['on', '"on"'],
    ['null', '"null"'],
    ['2027-06-30', '"2027-06-30"'],
    ['', '""'],
    ['1 pod of Pod/debug: hostPath volumes', '"1 pod of Pod/debug: hostPath volumes"'],
    ['- x', '"- x"'],
    ['a #b', '"a #b"'],
    ['trailing ', '"trailing "'],
    ['container "x" must', 'container "x" must'],
    ['line\nbreak', '"line\\nbreak"'],
  ];
  for (const [value, written] of cases) assert.equal(toYaml({ v: value }), `v: ${written}\n`, value);
});

test('nested maps and sequences in the yaml library layout', () => {
  assert.equal(
    toYaml({ a: { b: 1, c: [{ d: 'x', e: [1, 2] }, 'y', []] }, f: {}, g: true }),
    'a:\n  b: 1\n  c:\n    - d: x\n      e:\n        - 1\n        - 2\n    - "y"\n    - []\nf: {}\ng: true\n',
  );
});

test('any JSON object reads back unchanged (YAML 1.2 and 1.1 readers alike: quoted where they differ)', () => {
  const json = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.string(),
      fc.constantFrom('yes', 'No', 'on', '~', '0x1F', '1e3', '.inf', '12:30', '2026-01-01', '<<', '-', '? a'),
      fc.integer(),
      fc.boolean(),
      fc.array(tie('value'), { maxLength: 4 }),
      tie('object'),
    ),
    object: fc.dictionary(fc.string(), tie('value'), { maxKeys: 4 }),
  }));
  fc.assert(
    fc.property(json.object, (value) => {
      const plain = JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
      assert.deepEqual(parse(toYaml(plain)) ?? {}, plain);
    }),
    { numRuns: 500 },
  );
});

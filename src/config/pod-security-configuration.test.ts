import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  decodePodSecurityConfigurationText,
  defaultsToPolicy,
  toAdmissionSettings,
  validatePodSecurityConfiguration,
} from './pod-security-configuration.ts';
import { formatFieldError } from './field-errors.ts';

const H = 'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n';
const SCHEME = '"pkg/runtime/scheme.go:111"';

/** Load errors, verbatim from upstream's loader (recorded with the Go oracle). */
const loadErrors: readonly (readonly [string, string, string])[] = [
  ['whitespace only', '   \n', "Object 'Kind' is missing in '   \n'"],
  [
    'no apiVersion',
    'kind: PodSecurityConfiguration\n',
    "Object 'apiVersion' is missing in 'kind: PodSecurityConfiguration\n'",
  ],
  [
    'no kind',
    'apiVersion: pod-security.admission.config.k8s.io/v1\n',
    "Object 'Kind' is missing in 'apiVersion: pod-security.admission.config.k8s.io/v1\n'",
  ],
  [
    'unknown version',
    'apiVersion: pod-security.admission.config.k8s.io/v99\nkind: PodSecurityConfiguration\n',
    `no kind "PodSecurityConfiguration" is registered for version "pod-security.admission.config.k8s.io/v99" in scheme ${SCHEME}`,
  ],
  ['other kind', 'apiVersion: v1\nkind: Pod\n', `no kind "Pod" is registered for version "v1" in scheme ${SCHEME}`],
  ['bad group version', 'apiVersion: a/b/c\n', 'unexpected GroupVersion string: a/b/c'],
  [
    'unknown fields (YAML sorts)',
    `${H}zeta: 1\nalpha: 2\n`,
    'strict decoding error: unknown field "alpha", unknown field "zeta"',
  ],
  [
    'nested unknown',
    `${H}defaults:\n  enforce: baseline\n  foo: 1\nexemptions:\n  bar: [x]\n`,
    'strict decoding error: unknown field "defaults.foo", unknown field "exemptions.bar"',
  ],
  ['case-sensitive', `${H}Defaults: {enforce: baseline}\n`, 'strict decoding error: unknown field "Defaults"'],
  [
    'YAML duplicate',
    `${H}defaults:\n  enforce: baseline\n  enforce: restricted\n`,
    'strict decoding error: yaml: unmarshal errors:\n  line 5: key "enforce" already set in map',
  ],
  [
    'YAML duplicates then unknown',
    `${H}foo: 1\ndefaults:\n  enforce: a\n  enforce: b\nfoo: 2\n`,
    'strict decoding error: yaml: unmarshal errors:\n  line 6: key "enforce" already set in map\n  line 7: key "foo" already set in map, unknown field "foo"',
  ],
  [
    'JSON duplicate',
    '{"apiVersion":"pod-security.admission.config.k8s.io/v1","kind":"PodSecurityConfiguration","defaults":{"enforce":"a","enforce":"b","enforce":"c"}}',
    'strict decoding error: duplicate field "defaults.enforce"',
  ],
  [
    'JSON keeps document order',
    '{"apiVersion":"pod-security.admission.config.k8s.io/v1","kind":"PodSecurityConfiguration","zz":1,"defaults":{"Enforce":"baseline"}}',
    'strict decoding error: unknown field "zz", unknown field "defaults.Enforce"',
  ],
  [
    'number for a level',
    `${H}defaults:\n  enforce: 5\n`,
    'json: cannot unmarshal number into Go struct field PodSecurityDefaults.defaults.enforce of type string',
  ],
  [
    'YAML 1.1 boolean',
    `${H}defaults:\n  enforce: on\n`,
    'json: cannot unmarshal bool into Go struct field PodSecurityDefaults.defaults.enforce of type string',
  ],
  [
    'first type error in key order',
    `${H}defaults:\n  enforce: 1\n  audit: 2\n`,
    'json: cannot unmarshal number into Go struct field PodSecurityDefaults.defaults.audit of type string',
  ],
  [
    'defaults not a map',
    'apiVersion: pod-security.admission.config.k8s.io/v1alpha1\nkind: PodSecurityConfiguration\ndefaults: x\n',
    'json: cannot unmarshal string into Go struct field PodSecurityConfiguration.defaults of type v1alpha1.PodSecurityDefaults',
  ],
  [
    'list not a list',
    `${H}exemptions:\n  namespaces: a\n`,
    'json: cannot unmarshal string into Go struct field PodSecurityExemptions.exemptions.namespaces of type []string',
  ],
  [
    'list item not a string',
    `${H}exemptions:\n  namespaces: [123]\n`,
    'json: cannot unmarshal number into Go struct field PodSecurityExemptions.exemptions.namespaces of type string',
  ],
  [
    'top-level list',
    '- a\n',
    'couldn\'t get version/kind; json parse error: json: cannot unmarshal array into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }',
  ],
  [
    'kind not a string',
    'apiVersion: pod-security.admission.config.k8s.io/v1\nkind: 5\n',
    "couldn't get version/kind; json parse error: json: cannot unmarshal number into Go struct field .kind of type string",
  ],
  ['metadata', `${H}metadata: {name: x}\n`, 'strict decoding error: unknown field "metadata"'],
];

describe('decodePodSecurityConfigurationText: upstream load errors', () => {
  for (const [name, content, expected] of loadErrors) {
    it(name, () => {
      const result = decodePodSecurityConfigurationText(content, 'c.yaml');
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.error.message, expected);
    });
  }

  it('locates a YAML duplicate key', () => {
    const result = decodePodSecurityConfigurationText(
      `${H}defaults:\n  enforce: baseline\n  enforce: restricted\n`,
      'c.yaml',
    );
    assert.ok(!result.ok);
    assert.deepEqual(result.error.pos, { file: 'c.yaml', line: 5, col: 3 });
  });
});

describe('decodePodSecurityConfigurationText: defaulting', () => {
  it('empty content is the fully defaulted configuration', () => {
    const result = decodePodSecurityConfigurationText('', 'c.yaml');
    assert.ok(result.ok);
    assert.deepEqual(result.document.defaults, {
      enforce: 'privileged',
      'enforce-version': 'latest',
      audit: 'privileged',
      'audit-version': 'latest',
      warn: 'privileged',
      'warn-version': 'latest',
    });
  });

  for (const version of ['v1alpha1', 'v1beta1', 'v1']) {
    it(`defaults empty and null fields (${version})`, () => {
      const text = `apiVersion: pod-security.admission.config.k8s.io/${version}\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baseline\n  audit: ""\n  warn: null\nexemptions:\n  namespaces: null\n  usernames: [null]\n`;
      const result = decodePodSecurityConfigurationText(text, 'c.yaml');
      assert.ok(result.ok);
      assert.equal(result.document.defaults.enforce, 'baseline');
      assert.equal(result.document.defaults.audit, 'privileged');
      assert.equal(result.document.defaults.warn, 'privileged');
      assert.equal(result.document.defaults['warn-version'], 'latest');
      assert.deepEqual(result.document.exemptions.namespaces, []);
      assert.deepEqual(result.document.exemptions.usernames, ['']);
    });
  }

  it('reads only the first YAML document', () => {
    const result = decodePodSecurityConfigurationText(`${H}---\nfoo: bar\n`, 'c.yaml');
    assert.ok(result.ok);
  });
});

describe('defaultsToPolicy', () => {
  it('reports fields in upstream order, aggregated', () => {
    const result = defaultsToPolicy({
      enforce: 'baslein',
      'enforce-version': 'latest',
      audit: '',
      'audit-version': 'latest',
      warn: 'baseline',
      'warn-version': 'v1.01',
    });
    assert.ok(!result.ok);
    assert.equal(
      result.message,
      '[enforce: must be one of privileged, baseline, restricted, audit: required, warn-version: must be "latest" or "v1.x"]',
    );
  });
  it('a single error is shown alone', () => {
    const result = defaultsToPolicy({
      enforce: 'baseline',
      'enforce-version': '',
      audit: 'baseline',
      'audit-version': 'latest',
      warn: 'baseline',
      'warn-version': 'latest',
    });
    assert.ok(!result.ok);
    assert.equal(result.message, 'enforce-version: required');
  });
});

describe('validatePodSecurityConfiguration', () => {
  const LABEL =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
  const SUBDOMAIN =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
  it('matches upstream field errors exactly, in order', () => {
    const text = `apiVersion: pod-security.admission.config.k8s.io/v1alpha1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: baslein\n  audit-version: v2.0\nexemptions:\n  namespaces: [kube-system, kube-system, Foo, a.b, '', ${'a'.repeat(64)}, "a\\u00a0"]\n  runtimeClasses: [a.b, a.b, 'A_b']\n  usernames: ['', x, x]\n`;
    const result = decodePodSecurityConfigurationText(text, 'c.yaml');
    assert.ok(result.ok);
    assert.deepEqual(validatePodSecurityConfiguration(result.document).map(formatFieldError), [
      'defaults.enforce: Invalid value: "baslein": must be one of privileged, baseline, restricted',
      'defaults.audit-version: Invalid value: "v2.0": must be "latest" or "v1.x"',
      'exemptions.namespaces[1]: Duplicate value: "kube-system"',
      `exemptions.namespaces[2]: Invalid value: "Foo": ${LABEL}`,
      'exemptions.namespaces[3]: Invalid value: "a.b": must not contain dots',
      `exemptions.namespaces[4]: Invalid value: "": ${LABEL}`,
      `exemptions.namespaces[5]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`,
      `exemptions.namespaces[6]: Invalid value: "a\\u00a0": ${LABEL}`,
      'exemptions.runtimeClasses[1]: Duplicate value: "a.b"',
      `exemptions.runtimeClasses[2]: Invalid value: "A_b": ${SUBDOMAIN}`,
      'exemptions.usernames[0]: Invalid value: "": username must not be empty',
      'exemptions.usernames[2]: Duplicate value: "x"',
    ]);
  });

  it('toAdmissionSettings gives the webhook messages and located problems', () => {
    const text = `${H}exemptions:\n  namespaces: [a, a]\n`;
    const decoded = decodePodSecurityConfigurationText(text, 'c.yaml');
    assert.ok(decoded.ok);
    const settings = toAdmissionSettings(decoded.document, decoded.positions);
    assert.ok(!settings.ok);
    assert.equal(settings.upstreamMessage, 'invalid configuration: exemptions.namespaces[1]: Duplicate value: "a"');
    assert.deepEqual(settings.problems[0]?.pos, { file: 'c.yaml', line: 4, col: 19 });

    const bad = decodePodSecurityConfigurationText(`${H}defaults: {enforce: x}\n`, 'c.yaml');
    assert.ok(bad.ok);
    const badSettings = toAdmissionSettings(bad.document, bad.positions);
    assert.ok(!badSettings.ok);
    assert.equal(
      badSettings.upstreamMessage,
      'configuration error: enforce: must be one of privileged, baseline, restricted',
    );
  });

  it('parses a valid configuration into settings', () => {
    const decoded = decodePodSecurityConfigurationText(
      `${H}defaults: {enforce: restricted, enforce-version: v1.30}\nexemptions: {usernames: [admin]}\n`,
      'c.yaml',
    );
    assert.ok(decoded.ok);
    const settings = toAdmissionSettings(decoded.document);
    assert.ok(settings.ok);
    assert.equal(settings.settings.defaults.enforce.level, 'restricted');
    assert.equal(settings.settings.defaults.enforce.version.text, 'v1.30');
    assert.equal(settings.settings.defaults.audit.level, 'privileged');
    assert.deepEqual(settings.settings.exemptions.usernames, ['admin']);
  });
});

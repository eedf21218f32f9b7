// SARIF 2.1.0 structure: the properties the schema allows (it sets additionalProperties: false on each object psa
// emits), required fields, enums and ranges.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { psa } from './helpers.ts';

const ALLOWED: Record<string, readonly string[]> = {
  log: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: ['tool', 'results', 'invocations', 'artifacts', 'properties'],
  tool: ['driver', 'extensions', 'properties'],
  driver: ['name', 'fullName', 'version', 'semanticVersion', 'informationUri', 'rules', 'notifications', 'properties'],
  rule: ['id', 'name', 'shortDescription', 'fullDescription', 'helpUri', 'help', 'properties', 'defaultConfiguration'],
  result: ['ruleId', 'ruleIndex', 'rule', 'level', 'kind', 'message', 'locations', 'properties'],
  location: ['physicalLocation', 'logicalLocations', 'message', 'properties'],
  physicalLocation: ['artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: ['startLine', 'startColumn', 'endLine', 'endColumn', 'properties'],
};

function keysWithin(kind: string, value: Record<string, unknown>): void {
  for (const key of Object.keys(value)) assert.ok(ALLOWED[kind]!.includes(key), `${kind} has no property ${key}`);
}

describe('psa check -o sarif', () => {
  it('emits a SARIF 2.1.0 log the schema accepts', async () => {
    const r = await psa(['check', '-o', 'sarif', 'examples/', 'test/cli/inputs/bad/unknown-kind.yaml']);
    const log = JSON.parse(r.stdout);
    keysWithin('log', log);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const [run] = log.runs;
    keysWithin('run', run);
    keysWithin('tool', run.tool);
    keysWithin('driver', run.tool.driver);
    assert.equal(run.tool.driver.name, 'psa');
    const ids = run.tool.driver.rules.map((rule: { id: string }) => rule.id);
    assert.equal(new Set(ids).size, ids.length, 'rule ids are unique');
    assert.ok(ids.includes('privileged') && ids.includes('seccompProfile_restricted'));
    assert.equal(ids.length, 19 + 2);
    for (const rule of run.tool.driver.rules) {
      keysWithin('rule', rule);
      assert.ok(typeof rule.shortDescription.text === 'string' && rule.shortDescription.text !== '');
      assert.match(rule.helpUri, /^https:\/\//);
    }
    assert.ok(run.results.length > 0);
    for (const result of run.results) {
      keysWithin('result', result);
      assert.ok(['none', 'note', 'warning', 'error'].includes(result.level));
      assert.equal(typeof result.message.text, 'string');
      assert.equal(run.tool.driver.rules[result.ruleIndex].id, result.ruleId);
      for (const location of result.locations) {
        keysWithin('location', location);
        keysWithin('physicalLocation', location.physicalLocation);
        keysWithin('artifactLocation', location.physicalLocation.artifactLocation);
        assert.doesNotMatch(location.physicalLocation.artifactLocation.uri, /[\s\\]/);
        if (location.physicalLocation.region !== undefined) {
          keysWithin('region', location.physicalLocation.region);
          assert.ok(location.physicalLocation.region.startLine >= 1);
        }
      }
    }
    const levels = new Set(run.results.map((x: { level: string }) => x.level));
    assert.deepEqual([...levels].sort(), ['error', 'warning']);
    const refusal = run.results.find(
      (x: { ruleId: string; level: string }) => x.ruleId === 'privileged' && x.level === 'error',
    );
    assert.equal(
      refusal.locations[0].physicalLocation.artifactLocation.uri,
      'examples/03-debug-container-daemonset.yaml',
    );
    assert.equal(refusal.locations[0].physicalLocation.region.startLine, 4);
  });
});

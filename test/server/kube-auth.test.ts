// Authentication for API calls: one keep-alive agent while the TLS settings stay the same, and the client library's
// work (which reads the kubeconfig's credential files synchronously) reused for a short while instead of per call.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { describe, it } from 'node:test';
import { HttpMethod, ServerConfiguration, type RequestContext } from '@kubernetes/client-node';
import { AUTH_REUSE_MS, reusingAgents } from '../../src/server/kube-source.ts';

/** Stands in for KubeConfig: counts its runs, sets a token header and a fresh agent, as the library does. */
function fakeKubeConfig(): {
  runs: number;
  token: string;
  ca: string;
  getName(): string;
  applySecurityAuthentication(context: RequestContext): Promise<void>;
} {
  const config = {
    runs: 0,
    token: 'first',
    ca: 'ca-1',
    getName: () => 'fake',
    applySecurityAuthentication(context: RequestContext): Promise<void> {
      config.runs++;
      context.setHeaderParam('Authorization', `Bearer ${config.token}`);
      context.setAgent(new Agent({ ca: config.ca }));
      return Promise.resolve();
    },
  };
  return config;
}

const server = new ServerConfiguration('https://127.0.0.1:6443', {});
function newContext(): RequestContext {
  const context = server.makeRequestContext('/api/v1/namespaces/a/pods', HttpMethod.GET);
  context.setHeaderParam('Accept', 'application/json');
  return context;
}

describe('reusingAgents', () => {
  it('reuses the library result within the window: same headers, same keep-alive agent, no second run', async () => {
    const config = fakeKubeConfig();
    let clock = 1_000;
    const auth = reusingAgents(config, { now: () => clock });
    const first = newContext();
    await auth.applySecurityAuthentication(first);
    clock += AUTH_REUSE_MS - 1;
    const second = newContext();
    await auth.applySecurityAuthentication(second);
    assert.equal(config.runs, 1);
    assert.equal(second.getHeaders()['Authorization'], 'Bearer first');
    assert.equal(second.getHeaders()['Accept'], 'application/json');
    assert.equal(second.getAgent(), first.getAgent());
    assert.equal((first.getAgent() as Agent & { keepAlive: boolean }).keepAlive, true);
    auth.destroy();
  });

  it('runs the library again after the window: a rotated token is sent, the agent kept while TLS is unchanged', async () => {
    const config = fakeKubeConfig();
    let clock = 1_000;
    const auth = reusingAgents(config, { now: () => clock });
    const first = newContext();
    await auth.applySecurityAuthentication(first);
    config.token = 'rotated';
    clock += AUTH_REUSE_MS;
    const second = newContext();
    await auth.applySecurityAuthentication(second);
    assert.equal(config.runs, 2);
    assert.equal(second.getHeaders()['Authorization'], 'Bearer rotated');
    assert.equal(second.getAgent(), first.getAgent());
    auth.destroy();
  });

  it('replaces the agent when the TLS settings change (a rotated CA)', async () => {
    const config = fakeKubeConfig();
    let clock = 1_000;
    const auth = reusingAgents(config, { now: () => clock });
    const first = newContext();
    await auth.applySecurityAuthentication(first);
    config.ca = 'ca-2';
    clock += AUTH_REUSE_MS;
    const second = newContext();
    await auth.applySecurityAuthentication(second);
    assert.notEqual(second.getAgent(), first.getAgent());
    assert.equal((second.getAgent() as Agent).options.ca, 'ca-2');
    auth.destroy();
  });

  it('runs the library on every call after destroy', async () => {
    const config = fakeKubeConfig();
    const auth = reusingAgents(config, { now: () => 1_000 });
    await auth.applySecurityAuthentication(newContext());
    auth.destroy();
    await auth.applySecurityAuthentication(newContext());
    assert.equal(config.runs, 2);
    auth.destroy();
  });
});

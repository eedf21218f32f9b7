// Authentication for API calls: one keep-alive agent while the TLS settings stay the same, and the client library's
// work (which reads the kubeconfig's credential files synchronously) reused for a short while instead of per call.
import assert from 'node:assert/strict';
import { Agent } from 'node:https';
import { describe, it } from 'node:test';
import { HttpMethod, ServerConfiguration, type RequestContext } from '@kubernetes/client-node';
import { AUTH_REUSE_MS, reusingAgents } from '../../src/kube/auth.ts';

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

/**
 * Authenticates one call, lets `change` rotate something, advances the clock by `elapsedMs`, authenticates a second
 * call: the contexts of both and how often the library ran.
 */
async function twoCalls(
  elapsedMs: number,
  change: (config: ReturnType<typeof fakeKubeConfig>) => void = () => undefined,
): Promise<{ first: RequestContext; second: RequestContext; runs: number }> {
  const config = fakeKubeConfig();
  let clock = 1_000;
  const auth = reusingAgents(config, { now: () => clock });
  const first = newContext();
  await auth.applySecurityAuthentication(first);
  change(config);
  clock += elapsedMs;
  const second = newContext();
  await auth.applySecurityAuthentication(second);
  auth.destroy();
  return { first, second, runs: config.runs };
}

describe('reusingAgents', () => {
  it('reuses the library result within the window: same headers, same keep-alive agent, no second run', async () => {
    const { first, second, runs } = await twoCalls(AUTH_REUSE_MS - 1, (config) => {
      config.token = 'rotated';
    });
    assert.equal(runs, 1);
    assert.equal(second.getHeaders()['Authorization'], 'Bearer first');
    assert.equal(second.getHeaders()['Accept'], 'application/json');
    assert.equal(second.getAgent(), first.getAgent());
    assert.equal((first.getAgent() as Agent & { keepAlive: boolean }).keepAlive, true);
  });

  it('runs the library again after the window: a rotated token is sent, the agent kept while TLS is unchanged', async () => {
    const { first, second, runs } = await twoCalls(AUTH_REUSE_MS, (config) => {
      config.token = 'rotated';
    });
    assert.equal(runs, 2);
    assert.equal(second.getHeaders()['Authorization'], 'Bearer rotated');
    assert.equal(second.getAgent(), first.getAgent());
  });

  it('replaces the agent when the TLS settings change (a rotated CA)', async () => {
    const { first, second } = await twoCalls(AUTH_REUSE_MS, (config) => {
      config.ca = 'ca-2';
    });
    assert.notEqual(second.getAgent(), first.getAgent());
    assert.equal((second.getAgent() as Agent).options.ca, 'ca-2');
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

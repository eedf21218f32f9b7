// Authentication for Kubernetes API calls, shared by the webhook (namespace cache, pod listing) and the cluster
// commands (psa audit): one keep-alive agent, and the client library's work reused for a short while.
import { Agent } from 'node:https';
import type { KubeConfig, RequestContext, SecurityAuthentication } from '@kubernetes/client-node';

/** The TLS settings the client library puts on each call's agent; a connection is reusable while they are unchanged. */
const TLS_KEYS = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername'] as const;

function sameValue(a: unknown, b: unknown): boolean {
  return a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));
}

/**
 * How long one run of the client library's authentication is reused. The library reads the kubeconfig's CA,
 * certificate and key files synchronously on every call, blocking the event loop on the request path; client-go
 * re-reads rotated credentials every few minutes, so a second is well inside what a rotation may take to apply.
 */
export const AUTH_REUSE_MS = 1000;

/**
 * The client library authenticates every call with a fresh `https.Agent`, so each pod list would open a new TLS
 * connection (handshake, certificate parsing, a new secure context). Like client-go, we keep one keep-alive agent and
 * hand it out as long as the TLS settings the library computes are the same. The library's result (its headers and
 * TLS settings) is reused for `reuseMs`; after that it runs again, so a rotated token, client certificate or CA
 * takes effect (a changed TLS setting replaces the agent).
 */
export function reusingAgents(
  config: Pick<KubeConfig, 'getName' | 'applySecurityAuthentication'>,
  options: { readonly reuseMs?: number; readonly now?: () => number } = {},
): SecurityAuthentication & { destroy(): void } {
  const reuseMs = options.reuseMs ?? AUTH_REUSE_MS;
  const now = options.now ?? Date.now;
  let shared: Agent | undefined;
  let settings: Readonly<Record<string, unknown>> = {};
  let reusable: { readonly until: number; readonly headers: readonly (readonly [string, string])[] } | undefined;
  return {
    getName: () => config.getName(),
    async applySecurityAuthentication(context: RequestContext): Promise<void> {
      if (reusable !== undefined && shared !== undefined && now() < reusable.until) {
        for (const [name, value] of reusable.headers) context.setHeaderParam(name, value);
        context.setAgent(shared);
        return;
      }
      reusable = undefined;
      const before = { ...context.getHeaders() };
      await config.applySecurityAuthentication(context);
      const fresh: unknown = context.getAgent();
      // Proxy agents and plain-HTTP agents are left as the library made them (and the library runs every time).
      if (!(fresh instanceof Agent) || fresh.constructor !== Agent) return;
      const options = fresh.options as Readonly<Record<string, unknown>>;
      if (shared === undefined || !TLS_KEYS.every((key) => sameValue(options[key], settings[key]))) {
        shared?.destroy();
        settings = Object.fromEntries(TLS_KEYS.map((key) => [key, options[key]]));
        const tls = Object.fromEntries(
          TLS_KEYS.filter((key) => options[key] !== undefined).map((key) => [key, options[key]]),
        );
        shared = new Agent({ ...tls, keepAlive: true, scheduling: 'lifo' });
      }
      context.setAgent(shared);
      const headers = Object.entries(context.getHeaders()).filter(([name, value]) => before[name] !== value);
      reusable = { until: now() + reuseMs, headers };
    },
    destroy() {
      shared?.destroy();
      shared = undefined;
      reusable = undefined;
    },
  };
}

/**
 * The page's state in the URL fragment (`#s=...`): JSON, deflate-raw compressed with the browser's CompressionStream,
 * base64url. A link reproduces a case; the fragment never reaches a server.
 */
import { ConfigKinds, DEFAULT_STATE, type PlaygroundState } from './engine.ts';

const PREFIX = 's=';

async function pipe(
  bytes: Uint8Array<ArrayBuffer>,
  stream: CompressionStream | DecompressionStream,
): Promise<Uint8Array<ArrayBuffer>> {
  const response = new Response(new Blob([bytes]).stream().pipeThrough(stream));
  return new Uint8Array(await response.arrayBuffer());
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The fragment (without `#`) that holds the state. */
export async function encodeState(state: PlaygroundState): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(state));
  return PREFIX + toBase64Url(await pipe(json, new CompressionStream('deflate-raw')));
}

/** The state a fragment holds; undefined when there is none or it does not decode (a mangled link). */
export async function decodeState(fragment: string): Promise<PlaygroundState | undefined> {
  const text = fragment.startsWith('#') ? fragment.slice(1) : fragment;
  if (!text.startsWith(PREFIX)) return undefined;
  try {
    const bytes = await pipe(fromBase64Url(text.slice(PREFIX.length)), new DecompressionStream('deflate-raw'));
    return sanitize(JSON.parse(new TextDecoder().decode(bytes)) as unknown);
  } catch {
    return undefined;
  }
}

/** Takes the known fields of the right types from a decoded value; everything else falls back to the defaults. */
function sanitize(value: unknown): PlaygroundState | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const v = value as Record<string, unknown>;
  const str = (key: keyof PlaygroundState, fallback: string): string => {
    const x = v[key];
    return typeof x === 'string' ? x : fallback;
  };
  const levels = (v['levels'] ?? {}) as Record<string, unknown>;
  const level = (mode: 'enforce' | 'audit' | 'warn'): string => {
    const x = levels[mode];
    return typeof x === 'string' ? x : DEFAULT_STATE.levels[mode];
  };
  const kind = v['configKind'];
  const patches = Array.isArray(v['patches']) ? v['patches'].filter((p): p is string => typeof p === 'string') : [];
  return {
    fileName: str('fileName', DEFAULT_STATE.fileName),
    manifests: str('manifests', ''),
    configKind: Object.values(ConfigKinds).find((k) => k === kind) ?? DEFAULT_STATE.configKind,
    levels: { enforce: level('enforce'), audit: level('audit'), warn: level('warn') },
    configText: str('configText', ''),
    patches,
    namespaceLabels: str('namespaceLabels', ''),
    namespace: str('namespace', DEFAULT_STATE.namespace),
    fixLevel: str('fixLevel', DEFAULT_STATE.fixLevel),
  };
}

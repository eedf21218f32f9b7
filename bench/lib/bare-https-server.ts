/**
 * The floor for `webhook.bench.ts --only bare`: a `node:https` server with psa's TLS settings that reads each body and
 * answers 200 with a JSON body of about the size psa would send (the request echoed plus a response), doing no
 * admission work at all. What this costs per request is what Node's HTTP and TLS stack costs for the same traffic.
 * Usage: `node --import tsx bench/lib/bare-https-server.ts CERT KEY PORT`.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';

const [certFile, keyFile, portText] = process.argv.slice(2);
if (certFile === undefined || keyFile === undefined || portText === undefined)
  throw new Error('usage: bare-https-server CERT KEY PORT');

const RESPONSE_TAIL =
  ',"response":{"uid":"00000000-0000-0000-0000-000000000000","allowed":true,"warnings":["would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"app\\" must set securityContext.allowPrivilegeEscalation=false)"]}}\n';

const server = createServer({
  cert: readFileSync(certFile),
  key: readFileSync(keyFile),
  ciphers: 'TLS_AES_128_GCM_SHA256:ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256',
  honorCipherOrder: true,
  minVersion: 'TLSv1.2',
});
server.on('request', (req, res) => {
  if (req.method !== 'POST') {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2 });
    res.end('ok');
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    const body = `${text.slice(0, -1)}${RESPONSE_TAIL}`;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  });
});
server.listen(Number(portText), '127.0.0.1');
// Exit normally on SIGTERM so `--cpu-prof` (PSA_SERVER_NODE_FLAGS) gets to write its profile.
process.on('SIGTERM', () => process.exit(0));

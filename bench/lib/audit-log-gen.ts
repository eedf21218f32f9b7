/**
 * Generated kube-apiserver audit logs for the audit-log benchmarks: JSON lines shaped like the real ones in
 * test/audit-log/fixtures/real (same key order, levels and sizes), `psFraction` of them Pod Security events (audit
 * violations, refusals, exemptions; half logged at level Request with the pod), the rest ordinary API traffic.
 */

const VIOLATIONS =
  'would violate PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"app\\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \\"app\\" must set securityContext.capabilities.drop=[\\"ALL\\"]), runAsNonRoot != true (pod or container \\"app\\" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container \\"app\\" must set securityContext.seccompProfile.type to \\"RuntimeDefault\\" or \\"Localhost\\")';
const POD_OBJECT =
  '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"NAME"},"spec":{"containers":[{"name":"app","image":"nginx:1.27","resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler","enableServiceLinks":true},"status":{}}';

const NAMESPACES = ['shop', 'payments', 'legacy', 'monitoring', 'kube-system', 'batch', 'web', 'data'] as const;
const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function suffix(n: number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) {
    s += SAFE.charAt(n % SAFE.length);
    n = Math.floor(n / SAFE.length) + i * 7;
  }
  return s;
}

function time(base: number, i: number): string {
  // One event every 600 ms: a million span a week, for the timeline; microseconds as kube-apiserver writes them.
  const ms = base + i * 600;
  return `${new Date(ms).toISOString().slice(0, 23)}${String(i % 1000).padStart(3, '0')}Z`;
}

function head(i: number, level: string, verb: string, uri: string, user: string, ref: string): string {
  return `{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"${level}","auditID":"${suffix(i, 8)}-4aa9-477a-a429-${String(i).padStart(12, '0')}","stage":"ResponseComplete","requestURI":"${uri}","verb":"${verb}","user":{"username":"${user}","uid":"uid-${String(i % 97)}","groups":["system:authenticated"]},"sourceIPs":["10.0.0.${String(i % 250)}"],"userAgent":"kube-controller-manager/v1.35.0 (linux/amd64) kubernetes/abcdef","objectRef":${ref}`;
}

/** Line `i` of a generated log (with its newline). */
export function auditLine(i: number, psFraction = 0.1, base = Date.UTC(2026, 11, 1)): string {
  const ns = NAMESPACES[i % NAMESPACES.length]!;
  const at = time(base, i);
  const tail = `"requestReceivedTimestamp":"${at}","stageTimestamp":"${at}"`;
  // Pod Security events are spread evenly: every (1/psFraction)-th line.
  const every = Math.round(1 / psFraction);
  if (i % every !== 0) {
    const name = `cm-${suffix(i, 6)}`;
    return `${head(i, 'Metadata', 'get', `/api/v1/namespaces/${ns}/configmaps/${name}`, 'system:serviceaccount:kube-system:generic-garbage-collector', `{"resource":"configmaps","namespace":"${ns}","name":"${name}","apiVersion":"v1"}`)},"responseStatus":{"metadata":{},"code":200},${tail},"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"system:controller:generic-garbage-collector\\""}}\n`;
  }
  const k = i / every;
  const pod = `web-${suffix(k % 50, 9)}-${suffix(k, 5)}`;
  const withPod = k % 2 === 0;
  const level = withPod ? 'Request' : 'Metadata';
  const ref = `{"resource":"pods","namespace":"${ns}","name":"${pod}","apiVersion":"v1"}`;
  const user = 'system:serviceaccount:kube-system:replicaset-controller';
  const object = withPod ? `"requestObject":${POD_OBJECT.replace('NAME', pod)},` : '';
  const kind = k % 10;
  let status = '{"metadata":{},"code":201}';
  let annotations = `"pod-security.kubernetes.io/audit-violations":"${VIOLATIONS}","pod-security.kubernetes.io/enforce-policy":"baseline:latest"`;
  if (kind === 0) {
    status = `{"metadata":{},"status":"Failure","message":"pods \\"${pod}\\" is forbidden: violates PodSecurity \\"restricted:latest\\": allowPrivilegeEscalation != false (container \\"app\\" must set securityContext.allowPrivilegeEscalation=false)","reason":"Forbidden","details":{"name":"${pod}","kind":"pods"},"code":403}`;
    annotations = `"pod-security.kubernetes.io/audit-violations":"${VIOLATIONS}","pod-security.kubernetes.io/enforce-policy":"restricted:latest"`;
  } else if (kind === 1 || ns === 'kube-system') {
    annotations = '"pod-security.kubernetes.io/exempt":"namespace"';
  }
  return `${head(i, level, 'create', `/api/v1/namespaces/${ns}/pods`, user, ref)},"responseStatus":${status},${object}${tail},"annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"",${annotations}}}\n`;
}

/** Lines `[from, to)` joined, for writing in blocks. */
export function auditLines(from: number, to: number, psFraction = 0.1): string {
  let out = '';
  for (let i = from; i < to; i++) out += auditLine(i, psFraction);
  return out;
}

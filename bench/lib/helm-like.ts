import { joinManifests } from '../../web/src/examples.ts';

/**
 * A chart's rendered output (`helm template`): per release a ServiceAccount, a Service and a workload (Deployment,
 * StatefulSet or DaemonSet; a third of them without a hardened securityContext), with `# Source:` comments.
 */
export function helmLike(workloads: number): string {
  const docs: string[] = [];
  for (let i = 0; i < workloads; i++) {
    const name = `app-${String(i).padStart(4, '0')}`;
    const kind = i % 10 === 9 ? 'DaemonSet' : i % 5 === 4 ? 'StatefulSet' : 'Deployment';
    const hardened = i % 3 !== 0;
    docs.push(`# Source: platform/templates/${name}/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/managed-by: Helm
`);
    docs.push(`# Source: platform/templates/${name}/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app.kubernetes.io/name: ${name}
  ports:
    - port: 80
      targetPort: http
`);
    docs.push(`# Source: platform/templates/${name}/${kind.toLowerCase()}.yaml
apiVersion: apps/v1
kind: ${kind}
metadata:
  name: ${name}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/managed-by: Helm
spec:
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      serviceAccountName: ${name}${
        hardened
          ? `
      securityContext:
        runAsNonRoot: true
        seccompProfile:
          type: RuntimeDefault`
          : ''
      }${kind === 'DaemonSet' ? '\n      hostNetwork: true' : ''}
      containers:
        - name: app
          image: "registry.example.com/${name}:1.2.3"
          ports:
            - name: http
              containerPort: 8080
          resources:
            limits: {cpu: 500m, memory: 256Mi}${
              hardened
                ? `
          securityContext:
            allowPrivilegeEscalation: false
            capabilities:
              drop: [ALL]`
                : ''
            }
`);
  }
  return joinManifests(docs);
}

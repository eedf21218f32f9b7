/** Help texts: `psa --help` and each command's `--help`. */

export const MAIN_HELP = `psa: Kubernetes Pod Security Admission, offline.

Usage: psa <command> [flags]

Commands:
  check [PATH...|-]          what the cluster would say about each manifest: refusals, warnings, audit
  explain PATH...            per workload: the strictest level it meets, version changes, what to fix
  fix --level L[:V] PATH...  apply the safe fixes; list what needs an exemption
  namespace dry-run NAMESPACE LEVEL[:VERSION] PATH...
                             what \`kubectl label ns NAMESPACE pod-security.kubernetes.io/enforce=LEVEL\` would warn
  audit [--kubeconfig F]     a live cluster (or --from dumps): per namespace what each level refuses, a rollout plan
  config show|lint|render    the effective Pod Security configuration (Talos default, files, patches)
  audit-log FILE|DIR|-...    what Pod Security did, from kube-apiserver audit logs; exemption usage
  serve                      run the validating admission webhook
  playground [--port N]      serve the browser playground (paste manifests, see check/explain/fix) locally
  version                    print the version
  completion bash|zsh|fish   print a shell completion script (also for kubectl-psa)

Run 'psa <command> --help' for the flags of a command. As a kubectl plugin: kubectl psa <command> [flags].
Exit codes: 0 nothing refused, 1 something would be refused (or --fail-on), 2 usage, input or configuration errors.
`;

export const CHECK_HELP = `Usage: psa check [flags] [PATH...|-]

Judges every Pod and workload (Deployment, DaemonSet, StatefulSet, ReplicaSet, Job, CronJob, ReplicationController,
PodTemplate) in the files, folders (recursive: *.yaml, *.yml, *.json) or standard input (-) as the API server would.
Objects are applied in input order, like 'kubectl apply': a Namespace object sets the labels of the objects after it.
Pods get enforce (refused), warn and audit; workloads get warn and audit, and the enforce verdict on their template is
reported as what the controller's pods will meet ("Error creating: pods ... is forbidden"). Generated pod names use
placeholders: xxxxx for the random suffix, xxxxxxxxxx for a Deployment's pod-template-hash.

Flags:
      --config FILE                 PodSecurityConfiguration, AdmissionConfiguration or Talos machine config
                                    (default: the Talos default: enforce baseline, warn and audit restricted)
      --talos-patch FILE            Talos machine-config patch applied on top (repeatable)
  -n, --namespace NS                namespace of objects that name none (default "default")
      --namespace-labels NS:k=v,... labels of namespace NS, added to or overriding Namespace objects (repeatable)
      --user NAME                   the requesting user, for username exemptions
  -o, --output FORMAT[=FILE]        text (default), json, sarif, junit, markdown (a report for a pull request or
                                    a job summary) or github (workflow-command annotations); repeatable: one may
                                    go to standard output, the others to files, e.g. -o github -o sarif=psa.sarif
      --fail-on MODE                enforce (default): exit 1 on refusals; warn: also on warnings; audit: also on
                                    audit violations
      --max-document-size SIZE      skip (and report) larger YAML documents (default 32Mi)
      --level LEVEL [--version V]   direct mode: evaluate at exactly LEVEL:V (no namespaces, no configuration);
                                    -o json prints {"results":[{file,index,kind,namespace,name,allowed,
                                    forbiddenReasons,forbiddenDetail}]}
  -h, --help                        this help

Exit codes: 0 nothing would be refused, 1 something would (see --fail-on), 2 usage, input or configuration errors
(every other file is still checked).
`;

export const EXPLAIN_HELP = `Usage: psa explain [flags] PATH...

For each Pod and workload: the strictest level it meets now, the policy versions at which its verdict changes (what
breaks when a cluster moves from v1.N to latest), and for each violation the exact fields to change.

Flags:
  -o, --output FORMAT   text (default) or json
  -n, --namespace NS    the namespace of objects that name none (default: default)
  -h, --help            this help
`;

export const FIX_HELP = `Usage: psa fix --level LEVEL[:VERSION] [flags] PATH...

Applies the safe automatic remedies for LEVEL (allowPrivilegeEscalation=false, capabilities drop ALL, runAsNonRoot,
seccompProfile RuntimeDefault, ...) and writes the fixed manifests to standard output, comments and formatting kept.
What cannot be fixed safely (privileged, host namespaces, hostPath, host ports, ...) is listed on standard error with
the narrowest way to admit it: a namespace label, or a Talos patch exempting the namespace.

Flags:
      --level LEVEL[:VERSION]   the level to meet (required), e.g. restricted or baseline:v1.30
  -o, --output FORMAT           yaml (default: the fixed manifests) or patch (strategic-merge patches, one document each)
  -h, --help                    this help

Exit codes: 0 everything meets LEVEL after the fixes, 1 something still needs an exemption, 2 usage or input errors.
`;

export const NAMESPACE_HELP = `Usage: psa namespace dry-run NAMESPACE LEVEL[:VERSION] PATH...

The offline 'kubectl label --dry-run=server ns NAMESPACE pod-security.kubernetes.io/enforce=LEVEL': evaluates the pods
(and workload templates) in PATH that belong to NAMESPACE, such as 'kubectl get pods -n NAMESPACE -o yaml' output, and
prints upstream's warnings, grouped by owner, with no 3,000-pod cap.

Flags:
  -n, --namespace NS   namespace of objects that name none (default: NAMESPACE)
  -h, --help           this help

Exit codes: 0 no existing pod violates LEVEL, 1 some do, 2 usage or input errors.
`;

export const PLAYGROUND_HELP = `Usage: psa playground [flags]

Serves the browser playground on this machine: paste or drop manifests, choose the cluster configuration, and see what
'psa check' prints, the 'psa explain' view and the 'psa fix' diff. The page runs psa's own code in the browser and
sends nothing anywhere; the server only hands out its static files (built by 'npm run build:web' into dist/web).

Flags:
      --port N       port to listen on (default 8080; 0 picks a free one)
      --host ADDR    address to listen on (default 127.0.0.1)
  -h, --help         this help
`;

export const AUDIT_HELP = `Usage: psa audit [flags]
       psa audit -o html FILE [flags]

Reads a cluster (LISTs of namespaces, pods and the workload kinds, paginated) or --from dumps, and per namespace
reports its current policy (labels on top of the cluster configuration, exemptions honoured), how many of its pods
each level (privileged, baseline, restricted) would refuse and why, grouped by top owner, the warnings its workloads
would draw, and a rollout plan: the labels to set, the kubectl lines, a Talos patch for what must stay privileged.
Never changes anything.

Source:
      --kubeconfig FILE      kubeconfig (default: $KUBECONFIG, ~/.kube/config, then in-cluster)
      --context NAME         kubeconfig context (default: the current one)
      --from PATH            read 'kubectl get ns,pods,deploy,rs,sts,ds,job,cronjob -A -o yaml|json' dumps
                             (files, folders, or - for stdin; repeatable) instead of a cluster
  -n, --namespace NS         only this namespace (default: all namespaces)
  -A, --all-namespaces       all namespaces (the default)
  -l, --selector SELECTOR    only pods matching this label selector
      --page-size N          items per LIST page (default 500)

Policy:
      --config FILE          the cluster's PodSecurityConfiguration, AdmissionConfiguration or Talos machine config
                             (default: Talos' default)
      --talos-patch FILE     Talos machine-config patch applied to the configuration (repeatable)
      --version V            also evaluate every level at V (e.g. v1.30), besides latest
      --plan-level LEVEL     add to the plan what every namespace at LEVEL would refuse

Output:
  -o, --output FORMAT        text (default), json, policyreport (YAML, reports per namespace), html FILE
      --report-api API       wgpolicyk8s.io/v1alpha2 (default, PolicyReport) or openreports.io/v1alpha1 (Report)
      --report-granularity G policyreport results per pod (default: each pod named, fail/warn per check, one pass
                             per clean pod; a namespace's results split over psa-audit, psa-audit-2, ... to stay
                             small enough for kubectl apply) or per owner (top controller and check, pod counts)
      --fail-on WHEN         enforce (default: exit 1 when the current labels refuse a pod), baseline, restricted
                             (when that level would refuse a pod in a namespace that is not exempt), none
  -h, --help                 this help

A progress line is shown on standard error when it is a terminal. SOURCE_DATE_EPOCH fixes the report's time.
Exit codes: 0 nothing refused, 1 something would be (see --fail-on), 2 usage errors, or something could not be read
(the report is still written, marked incomplete).
`;

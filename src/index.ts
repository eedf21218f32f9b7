/**
 * kube-psa: Kubernetes Pod Security Admission. The package root exports the pure layers only (vocabulary, pod shapes
 * and decoders, the policy engine, admission); none of them touches Node APIs, so they also run in a browser.
 */
export * from './api/index.ts';
export * from './k8s/index.ts';
export * from './policy/index.ts';
export * from './admission/index.ts';

/**
 * `kube-psa/check`: `psa check` as a library. Unlike the package root (the pure engine, which runs in a browser), this
 * entry parses YAML and loads configurations, so it brings the `yaml` package and Node's `path` along.
 */
export * from './check-manifests.ts';

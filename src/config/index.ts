// Configuration sources: PodSecurityConfiguration, AdmissionConfiguration, Talos machine configs (+ patches),
// lint and renderings.
export * from './load.ts';
export * from './lint.ts';
export * from './render.ts';
export * from './pod-security-configuration.ts';
export {
  goQuote,
  aggregateMessages,
  formatFieldError,
  namespaceNameMessages,
  subdomainMessages,
  type FieldError,
} from './field-errors.ts';
export { type Position, formatPosition } from './tree.ts';
export {
  TALOS_DEFAULT_POD_SECURITY,
  TALOS_DEFAULT_MACHINE_CONFIG,
  TALOS_CONFLICT_MESSAGE,
  TALOS_NAME_REQUIRED_MESSAGE,
} from './talos.ts';
export * from './exemption-metadata.ts';

// Configuration sources: PodSecurityConfiguration, AdmissionConfiguration, Talos machine configs (+ patches).
export * from './load.ts';
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
export { TALOS_DEFAULT_POD_SECURITY, TALOS_CONFLICT_MESSAGE } from './talos.ts';

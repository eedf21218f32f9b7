/** Field-path helpers for check descriptions (catalogue only; never used while evaluating). */

/** The JSON path of a field on every visited container: init, regular and ephemeral. */
export function containerField(path: string): string {
  return `spec.{initContainers,containers,ephemeralContainers}[*].${path}`;
}

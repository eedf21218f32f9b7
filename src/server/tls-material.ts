import { createSecureContext, type SecureContextOptions } from 'node:tls';

/** The TLS material could not be used: unreadable files, bad PEM, or a key that does not match the certificate. */
export class TlsMaterialError extends Error {
  override readonly name = 'TlsMaterialError';
}

/** Builds and validates secure-context options from PEM contents (certificate chain, key, optional client CA). */
export function buildTlsOptions(cert: Buffer, key: Buffer, ca: Buffer | undefined): SecureContextOptions {
  const options: SecureContextOptions = ca === undefined ? { cert, key } : { cert, key, ca };
  try {
    // Throws on malformed PEM and on a key that does not belong to the certificate.
    createSecureContext(options);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new TlsMaterialError(`invalid TLS certificate, key or client CA: ${reason}`, { cause: error });
  }
  return options;
}

import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Certificate {
  readonly keyFile: string;
  readonly certFile: string;
  readonly key: string;
  readonly cert: string;
}

/**
 * A self-signed certificate for 127.0.0.1 (and localhost), valid for a day, written to `dir` as server.key and
 * server.crt (PEM), for a TLS server in a test; made by openssl, which the CI installs.
 */
export function selfSignedCertificate(dir: string): Certificate {
  const keyFile = join(dir, 'server.key');
  const certFile = join(dir, 'server.crt');
  const names = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'];
  const files = ['-keyout', keyFile, '-out', certFile];
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', ...names, ...files], {
    stdio: 'ignore',
  });
  return { keyFile, certFile, key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') };
}

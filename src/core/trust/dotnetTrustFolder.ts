/**
 * `dotnet dev-certs https --trust` on Linux puts the development certificate in ~/.aspnet/dev-certs/trust
 * (a PEM and its hash link) for OpenSSL — which reads that folder only when SSL_CERT_DIR names it, and
 * dotnet says so (exit 4, "export SSL_CERT_DIR=…"). When the certificate a server sends is in that folder
 * and SSL_CERT_DIR does not name it, the whole fix for the system's clients is that one line.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { certificatesIn, thumbprint } from '../certs';

export const DOTNET_TRUST_FOLDER = path.join('.aspnet', 'dev-certs', 'trust');

/** The line to run (as dotnet prints it), or undefined when the folder does not hold this certificate or OpenSSL already reads it. */
export function dotnetTrustFolderLine(sha1: string, env: NodeJS.ProcessEnv, home: string): string | undefined {
  const folder = path.join(home, DOTNET_TRUST_FOLDER);
  const current = (env.SSL_CERT_DIR ?? '').split(':').filter(Boolean);
  if (current.some(d => path.resolve(d) === folder)) return undefined;
  let names: string[];
  try { names = fs.readdirSync(folder).filter(n => n.endsWith('.pem')); } catch { return undefined; }
  const holds = names.some(n => {
    try {
      const st = fs.lstatSync(path.join(folder, n));
      if (!st.isFile() || st.size > 64 * 1024) return false;
      return certificatesIn(fs.readFileSync(path.join(folder, n), 'utf8')).some(der => thumbprint(der, 'sha1') === sha1);
    } catch { return false; }
  });
  if (!holds) return undefined;
  // dotnet's own wording: the trust folder first, then what OpenSSL reads now.
  return `export SSL_CERT_DIR="$HOME/${DOTNET_TRUST_FOLDER.split(path.sep).join('/')}:${env.SSL_CERT_DIR ? '$SSL_CERT_DIR' : '/usr/lib/ssl/certs'}"`;
}

/**
 * TLS material. A configured certificate wins; otherwise a self-signed one is generated once
 * into `<dataDir>/tls/` so a fresh install offers STARTTLS and implicit TLS from the first start
 * (clients will warn until a real certificate is configured).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  selfSigned: boolean;
  certFile: string;
}

export async function loadOrCreateTls(options: { dataDir: string; hostname: string; certFile?: string | undefined; keyFile?: string | undefined }): Promise<TlsMaterial> {
  if (options.certFile || options.keyFile) {
    if (!options.certFile || !options.keyFile) throw new Error('tls.certFile and tls.keyFile must be set together');
    return { cert: readFileSync(options.certFile), key: readFileSync(options.keyFile), selfSigned: false, certFile: options.certFile };
  }
  const dir = path.join(options.dataDir, 'tls');
  const certFile = path.join(dir, 'self-signed-cert.pem');
  const keyFile = path.join(dir, 'self-signed-key.pem');
  if (!existsSync(certFile) || !existsSync(keyFile)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const pems = await generate([{ name: 'commonName', value: options.hostname }], {
      // RSA: selfsigned 5's EC path fails in @peculiar/x509 here; RSA 2048 is what clients expect anyway.
      keySize: 2048,
      days: 825,
      algorithm: 'sha256',
      extensions: [
        { name: 'basicConstraints', cA: false },
        { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
        { name: 'extKeyUsage', serverAuth: true },
        { name: 'subjectAltName', altNames: [{ type: 2, value: options.hostname }, { type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] },
      ],
    } as Parameters<typeof generate>[1]);
    writeFileSync(keyFile, pems.private, { mode: 0o600 });
    writeFileSync(certFile, pems.cert, { mode: 0o644 });
  }
  return { cert: readFileSync(certFile), key: readFileSync(keyFile), selfSigned: true, certFile };
}

/**
 * A clamd client (ClamAV daemon protocol, `man clamd`): `zPING`, and `zINSTREAM` — chunks of
 * <4-byte big-endian length><data>, a zero-length chunk to end — answered by
 * `stream: OK`, `stream: <Signature> FOUND` or `… ERROR`. Over a Unix socket or TCP, with a
 * timeout on the whole exchange and a size limit (clamd's StreamMaxLength also applies).
 */
import net from 'node:net';

export interface ClamdEndpoint {
  /** Unix socket path (LocalSocket), or */
  socket?: string | undefined;
  /** TCP host and port (TCPAddr/TCPSocket). */
  host?: string | undefined;
  port?: number | undefined;
  timeoutMs?: number | undefined;
  /** Largest message sent for scanning; bigger ones are reported as not scanned. */
  maxBytes?: number | undefined;
}

export type ScanResult = { kind: 'clean' } | { kind: 'infected'; signature: string } | { kind: 'error'; message: string };

export class ClamdUnavailable extends Error {
  override name = 'ClamdUnavailable';
}

const CHUNK = 64 * 1024;

function exchange(endpoint: ClamdEndpoint, write: (socket: net.Socket) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = endpoint.socket ? net.createConnection(endpoint.socket) : net.createConnection(endpoint.port ?? 3310, endpoint.host ?? '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const done = (err: Error | null, reply?: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (err) reject(err);
      else resolve(reply ?? '');
    };
    socket.setTimeout(endpoint.timeoutMs ?? 30_000, () => done(new ClamdUnavailable('clamd timed out')));
    socket.on('error', (err) => done(new ClamdUnavailable(`clamd unreachable: ${err.message}`)));
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      // z-commands end their reply with NUL.
      if (d.includes(0)) done(null, Buffer.concat(chunks).toString('utf8').replace(/\0[\s\S]*$/, '').trim());
    });
    socket.on('end', () => done(null, Buffer.concat(chunks).toString('utf8').replace(/\0/g, '').trim()));
    socket.on('connect', () => write(socket));
  });
}

export async function clamdPing(endpoint: ClamdEndpoint): Promise<boolean> {
  try {
    return (await exchange(endpoint, (s) => s.write('zPING\0'))) === 'PONG';
  } catch {
    return false;
  }
}

/** Scans `data`; throws ClamdUnavailable when clamd cannot be reached or does not answer in time. */
export async function clamdScan(endpoint: ClamdEndpoint, data: Buffer): Promise<ScanResult> {
  const max = endpoint.maxBytes ?? 25 * 1024 * 1024;
  if (data.length > max) return { kind: 'error', message: `message larger than the scan limit (${max} bytes)` };
  const reply = await exchange(endpoint, (socket) => {
    socket.write('zINSTREAM\0');
    for (let offset = 0; offset < data.length; offset += CHUNK) {
      const piece = data.subarray(offset, offset + CHUNK);
      const size = Buffer.alloc(4);
      size.writeUInt32BE(piece.length);
      socket.write(size);
      socket.write(piece);
    }
    socket.write(Buffer.alloc(4));
  });
  const found = /^stream: (.+) FOUND$/.exec(reply);
  if (found) return { kind: 'infected', signature: found[1]! };
  if (reply === 'stream: OK') return { kind: 'clean' };
  return { kind: 'error', message: reply || 'empty reply' };
}

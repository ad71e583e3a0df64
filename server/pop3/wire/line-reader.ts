/**
 * Splits the bytes a POP3 client sends into command lines. Pure: no sockets, so it can be fed
 * hostile input byte by byte in tests.
 *
 * RFC 1939 §3: commands end with CRLF. A bare LF is accepted as the end of a line too (several
 * clients and every human with `nc` send it); a trailing CR is removed. A line longer than the
 * limit is discarded up to its end and reported once as `too-long`, never buffered whole.
 */
export type LineEvent = { kind: 'line'; line: Buffer } | { kind: 'too-long' };

const LF = 0x0a;
const CR = 0x0d;

export class LineReader {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** True while skipping the rest of an over-long line. */
  private discarding = false;

  /** @param maxLineOctets longest line accepted, CRLF included. */
  constructor(private readonly maxLineOctets: number) {}

  push(chunk: Buffer): LineEvent[] {
    const events: LineEvent[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const lf = chunk.indexOf(LF, pos);
      const end = lf === -1 ? chunk.length : lf;
      const piece = chunk.subarray(pos, end);
      if (!this.discarding) {
        if (this.pendingLength + piece.length + (lf === -1 ? 0 : 1) > this.maxLineOctets) {
          this.discarding = true;
          this.pending = [];
          this.pendingLength = 0;
        } else if (piece.length > 0) {
          this.pending.push(piece);
          this.pendingLength += piece.length;
        }
      }
      if (lf === -1) break;
      if (this.discarding) {
        events.push({ kind: 'too-long' });
        this.discarding = false;
      } else {
        let line = this.pending.length === 1 ? this.pending[0]! : Buffer.concat(this.pending, this.pendingLength);
        if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
        events.push({ kind: 'line', line: Buffer.from(line) });
      }
      this.pending = [];
      this.pendingLength = 0;
      pos = lf + 1;
    }
    return events;
  }

  /** Drops whatever partial line is buffered (RFC 2595 §4: nothing read before STLS survives it). */
  reset(): void {
    this.pending = [];
    this.pendingLength = 0;
    this.discarding = false;
  }
}

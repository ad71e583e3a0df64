/**
 * Encodes a stored message as a POP3 multi-line response body, chunk by chunk, so RETR of a
 * 50 MB message never holds more than one read buffer. Pure: no I/O.
 *
 * RFC 1939 §3: each line ends with CRLF; a line starting with "." gets one more "."
 * (byte-stuffing); the response ends with ".\r\n". Messages are stored with CRLF line endings,
 * so for them the output is the stored bytes plus stuffing; a bare LF (a message that entered
 * some other way) is sent as CRLF so the response stays well-formed, and a message whose last
 * line has no line ending gets one before the terminator.
 *
 * RFC 1939 §7 TOP: with `bodyLines` set, the encoder passes the header, the blank line that ends
 * it, and that many body lines, then reports `done` so the caller stops reading.
 */
const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;
const DOT_BUF = Buffer.from('.');
const CRLF_BUF = Buffer.from('\r\n');
const LF_BUF = Buffer.from('\n');
const TERMINATOR = Buffer.from('.\r\n');

export class MultilineEncoder {
  private atLineStart = true;
  /** Octets of the current line seen so far (its line ending excluded). */
  private lineLength = 0;
  private lastByte = -1;
  private inHeader = true;
  private bodyLinesSent = 0;
  private finished = false;

  /** @param bodyLines for TOP: body lines to send after the header; undefined sends everything. */
  constructor(private readonly bodyLines?: number) {
    if (bodyLines !== undefined && !(Number.isSafeInteger(bodyLines) && bodyLines >= 0)) throw new RangeError('bodyLines must be a non-negative integer');
  }

  /** True once TOP has sent all it should: the caller stops reading the message. */
  get done(): boolean {
    return this.finished;
  }

  push(chunk: Buffer): Buffer {
    const parts: Buffer[] = [];
    let pos = 0;
    while (pos < chunk.length && !this.finished) {
      if (this.atLineStart && chunk[pos] === DOT) parts.push(DOT_BUF);
      const lf = chunk.indexOf(LF, pos);
      if (lf === -1) {
        const rest = chunk.subarray(pos);
        parts.push(rest);
        this.lineLength += rest.length;
        this.lastByte = rest[rest.length - 1]!;
        this.atLineStart = false;
        break;
      }
      const content = chunk.subarray(pos, lf);
      const before = content.length > 0 ? content[content.length - 1]! : this.lineLength > 0 ? this.lastByte : -1;
      parts.push(content);
      const hadCr = before === CR;
      parts.push(hadCr ? LF_BUF : CRLF_BUF);
      const length = this.lineLength + content.length - (hadCr ? 1 : 0);
      this.lineLength = 0;
      this.lastByte = LF;
      this.atLineStart = true;
      pos = lf + 1;
      this.lineEnded(length === 0);
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /** The end of the response: a line ending if the message lacked one, then ".\r\n". */
  end(): Buffer {
    if (this.atLineStart) return TERMINATOR;
    // A message ending in a lone CR: the CR is already out, so only LF completes the line.
    return Buffer.concat([this.lastByte === CR ? LF_BUF : CRLF_BUF, TERMINATOR]);
  }

  private lineEnded(empty: boolean): void {
    if (this.bodyLines === undefined) return;
    if (this.inHeader) {
      if (!empty) return;
      this.inHeader = false;
      if (this.bodyLines === 0) this.finished = true;
      return;
    }
    this.bodyLinesSent++;
    if (this.bodyLinesSent >= this.bodyLines) this.finished = true;
  }
}

/** The whole encoding of a message held in memory (tests, small messages). */
export function encodeMultiline(raw: Buffer, bodyLines?: number): Buffer {
  const encoder = new MultilineEncoder(bodyLines);
  return Buffer.concat([encoder.push(raw), encoder.end()]);
}

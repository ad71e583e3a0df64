/**
 * RFC 4616 SASL PLAIN message, as carried by POP3 AUTH (RFC 5034): base64 of
 * `authzid NUL authcid NUL passwd`. Pure.
 */
export interface PlainCredentials {
  authzid: string;
  authcid: string;
  password: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Returns null for anything that is not a well-formed PLAIN message. */
export function decodeSaslPlain(response: string): PlainCredentials | null {
  // RFC 5034 §4: "=" is an empty initial response.
  const text = response === '=' ? '' : response;
  if (!BASE64.test(text)) return null;
  const bytes = Buffer.from(text, 'base64');
  const first = bytes.indexOf(0);
  const second = first === -1 ? -1 : bytes.indexOf(0, first + 1);
  if (first === -1 || second === -1 || bytes.indexOf(0, second + 1) !== -1) return null;
  const authzid = bytes.subarray(0, first).toString('utf8');
  const authcid = bytes.subarray(first + 1, second).toString('utf8');
  const password = bytes.subarray(second + 1).toString('utf8');
  if (!authcid || !password) return null;
  return { authzid, authcid, password };
}

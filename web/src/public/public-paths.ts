/** Paths the session gate (app.tsx) lets through without a session: apply, status, activate. */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/apply' || pathname === '/apply/status' || /^\/activate\/[^/]+$/.test(pathname);
}

/** Paths the session gate (app.tsx) lets through without a session: apply, status, activate, password reset. */
export function isPublicPath(pathname: string): boolean {
  return pathname === '/apply' || pathname === '/apply/status' || /^\/activate\/[^/]+$/.test(pathname) || /^\/reset\/[^/]+$/.test(pathname);
}

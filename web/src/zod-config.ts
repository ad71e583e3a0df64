/**
 * Imported first by main.tsx, before any schema is built: zod must not probe `new Function`,
 * which the server's CSP (no 'unsafe-eval') refuses and browsers report as a violation.
 */
import { z } from 'zod';

z.config({ jitless: true });

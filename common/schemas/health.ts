/** `GET /healthz`, for load balancers and monitoring. 200 when healthy, 503 otherwise. */
import { z } from 'zod';

export const healthViewSchema = z.object({
  status: z.enum(['ok', 'error']),
  db: z.enum(['ok', 'error']),
});
export type HealthView = z.infer<typeof healthViewSchema>;

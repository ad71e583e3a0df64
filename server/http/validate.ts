/** Parses request input with the shared zod schemas; failures become coded `validation` errors. */
import { z } from 'zod';
import { ApiError } from '../../common/errors.js';

const zhCN = z.locales.zhCN();

export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  // Messages in zh-CN for this parse only: the global zod locale stays English for logs and
  // configuration errors, which are read by operators.
  const result = schema.safeParse(value, { error: zhCN.localeError });
  if (result.success) return result.data;
  throw new ApiError('validation', undefined, {
    issues: result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  });
}

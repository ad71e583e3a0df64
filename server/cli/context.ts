/** Shared CLI plumbing: loading configuration from global flags, opening services, output. */
import { loadConfig, ConfigError } from '../config/load.js';
import type { GovmailConfig } from '../config/schema.js';
import { createServices, type Services } from '../services.js';
import { createLogger } from '../platform/logger.js';
import { ERROR_CATALOGUE } from '../../common/errors.js';
import { IllegalTransition } from '../governance/accounts/lifecycle.js';

export interface GlobalOptions {
  config?: string;
  dataDir?: string;
}

export function configFrom(options: GlobalOptions, overrides: Record<string, unknown> = {}): GovmailConfig {
  const base: Record<string, unknown> = { ...overrides };
  if (options.dataDir) base.dataDir = options.dataDir;
  return loadConfig({ ...(options.config ? { file: options.config } : {}), overrides: base });
}

/** Opens services quietly (CLI commands print their own results). */
export async function withServices<T>(options: GlobalOptions, work: (services: Services) => Promise<T>): Promise<T> {
  const config = configFrom(options);
  const services = await createServices(config, { logger: createLogger('warn') });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}

export const CLI_ACTOR = { address: 'cli', via: 'cli' as const };

export function fail(message: string): never {
  process.stderr.write(`govmail: ${message}\n`);
  process.exit(1);
}

export function describeError(err: unknown): string {
  if (err instanceof ConfigError) return err.message;
  // The console's error for the same refusal (HTTP 409 account.illegal_transition), with the detail.
  if (err instanceof IllegalTransition) return `${ERROR_CATALOGUE['account.illegal_transition'].message} (account.illegal_transition: ${err.action} from ${err.from})`;
  if (err instanceof Error) return err.message;
  return String(err);
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

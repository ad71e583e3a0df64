/**
 * Loads configuration: defaults ← config file ← GOVMAIL_* environment variables.
 *
 * Environment names are the option path in upper snake case, joined with `_`:
 * `smtp.maxMessageBytes` → `GOVMAIL_SMTP_MAX_MESSAGE_BYTES`, `smtp.mx.port` → `GOVMAIL_SMTP_MX_PORT`.
 * Lists are comma-separated (`GOVMAIL_DOMAINS=haining.gov.cn,hn.gov.cn`).
 * A bad value stops the program with a message naming the option, never a silent default.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { configSchema, type ConfigInput, type GovmailConfig } from './schema.js';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const CONFIG_FILE_NAME = 'govmail.config.json';

type Leaf = 'string' | 'number' | 'boolean' | 'string[]';

/** Strips default/prefault/optional wrappers to reach the schema that decides the value's type. */
function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    const def = (current as unknown as { _zod: { def: { type: string; innerType?: z.ZodType } } })._zod.def;
    if (def.innerType && ['default', 'prefault', 'optional', 'nullable', 'pipe'].includes(def.type)) {
      current = def.innerType;
      continue;
    }
    return current;
  }
}

function leafKind(schema: z.ZodType): Leaf | 'object' {
  const s = unwrap(schema);
  if (s instanceof z.ZodObject) return 'object';
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodArray) return 'string[]';
  return 'string';
}

const snake = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();

/** Every option path with its environment variable name and value kind. */
export function environmentOptions(): { env: string; path: string[]; kind: Leaf }[] {
  const out: { env: string; path: string[]; kind: Leaf }[] = [];
  const walk = (schema: z.ZodType, at: string[]) => {
    const s = unwrap(schema);
    if (!(s instanceof z.ZodObject)) return;
    for (const [key, child] of Object.entries(s.shape as Record<string, z.ZodType>)) {
      const childPath = [...at, key];
      const kind = leafKind(child);
      if (kind === 'object') walk(child, childPath);
      else out.push({ env: 'GOVMAIL_' + childPath.map(snake).join('_'), path: childPath, kind });
    }
  };
  walk(configSchema, []);
  return out;
}

function setPath(target: Record<string, unknown>, keys: string[], value: unknown) {
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== 'object' || next === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]!] = value;
}

function parseEnvValue(name: string, raw: string, kind: Leaf): unknown {
  switch (kind) {
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw new ConfigError(`${name}: expected a number, got "${raw}"`);
      return n;
    }
    case 'boolean':
      if (/^(1|true|yes|on)$/i.test(raw)) return true;
      if (/^(0|false|no|off)$/i.test(raw)) return false;
      throw new ConfigError(`${name}: expected true or false, got "${raw}"`);
    case 'string[]':
      return raw.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return raw;
  }
}

export interface LoadOptions {
  /** Explicit config file; when absent, `<dataDir>/govmail.config.json` is read if it exists. */
  file?: string;
  /** Values that win over the file but lose to the environment (CLI flags, tests). */
  overrides?: ConfigInput;
  env?: NodeJS.ProcessEnv;
}

export function loadConfig(options: LoadOptions = {}): GovmailConfig {
  const env = options.env ?? process.env;
  const merged: Record<string, unknown> = structuredClone((options.overrides ?? {}) as Record<string, unknown>);

  const envValues: Record<string, unknown> = {};
  for (const option of environmentOptions()) {
    const raw = env[option.env];
    if (raw !== undefined) setPath(envValues, option.path, parseEnvValue(`${option.path.join('.')} (${option.env})`, raw, option.kind));
  }

  const dataDir = (envValues.dataDir as string | undefined) ?? (merged.dataDir as string | undefined) ?? './data';
  const file = options.file ?? path.join(dataDir, CONFIG_FILE_NAME);
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new ConfigError(`${file}: not valid JSON (${(err as Error).message})`);
    }
  } else if (options.file) {
    throw new ConfigError(`config file ${file} does not exist`);
  }

  const combined = deepMerge(deepMerge(fromFile, merged), envValues);
  const result = configSchema.safeParse(combined);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const option = issue.path.join('.');
      const envName = 'GOVMAIL_' + issue.path.map((p) => snake(String(p))).join('_');
      return `  ${option} (${envName}): ${issue.message}`;
    });
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  if (config.database.dialect === 'postgres' && !config.database.postgresUrl) {
    throw new ConfigError('database.postgresUrl (GOVMAIL_DATABASE_POSTGRES_URL): required when database.dialect is postgres');
  }
  return { ...config, dataDir: path.resolve(config.dataDir) };
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    if (value && typeof value === 'object' && !Array.isArray(value) && prior && typeof prior === 'object' && !Array.isArray(prior)) {
      out[key] = deepMerge(prior as Record<string, unknown>, value as Record<string, unknown>);
    } else if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

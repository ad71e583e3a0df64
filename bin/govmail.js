#!/usr/bin/env node
// The `govmail` command: runs the TypeScript CLI through tsx's loader (no build step).
import { register } from 'tsx/esm/api';

register();
await import('../server/cli/main.ts');

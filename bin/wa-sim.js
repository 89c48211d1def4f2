#!/usr/bin/env node
// The `wa-sim` npm bin. The simulator is TypeScript run by tsx: register its loader through the
// API (no --import flag needed), then hand over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('../simulator/cli/main.ts');

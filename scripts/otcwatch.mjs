#!/usr/bin/env node
// The `otcwatch` bin: otcwatch is TypeScript run through tsx, so this shim
// registers tsx's loader and hands over to the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./cli.ts');

#!/usr/bin/env node
// `npx sekisho …`: the admin CLI (runs on the Node 24 of the `node` dependency).
await import('../src/cli/main.ts');

#!/usr/bin/env node
// Runs the TypeScript sources directly (tsx), so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/main.ts');
const code = await main(process.argv.slice(2));
// A failed command may leave connections open (a half-started api): it must not stay up.
// Output is not lost: on Linux, writes to files, pipes and terminals are synchronous.
if (code !== 0) process.exit(code);
process.exitCode = code;

/**
 * `npm start`. Until the chat-ops front end is wired, the main job with embedded defaults is the
 * ban-risk comparison a growth team runs before risking a number: warm-up against burst.
 */
import { runCli } from '../simulator/cli/run-cli.ts';

process.exitCode = await runCli(['run', new URL('../scenarios/warmup-vs-burst.yaml', import.meta.url).pathname, ...process.argv.slice(2)]);

/** The `wa-sim` entry point (`npm run simulate -- <file>`, or `bin/wa-sim.js` as an npm bin). */
import { runCli } from './run-cli.ts';

process.exitCode = await runCli(process.argv.slice(2));

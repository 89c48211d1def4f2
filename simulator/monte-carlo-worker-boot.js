// Worker threads do not inherit the tsx loader the main thread runs under (on Node 20, even
// `execArgv: ['--import', 'tsx']` leaves a .ts worker entry unloadable), so the worker starts
// here, in plain JavaScript, registers tsx and only then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./monte-carlo-worker.ts');

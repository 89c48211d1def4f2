/** Read a JSON file given on the command line or in options, with an error that says which and why. */
import { readFileSync } from 'node:fs';
import { invalidArgument } from '../../core/errors.ts';

export function loadJsonFile(file: string | URL, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw invalidArgument(`sandbox ${what}`, `cannot read ${String(file)}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`sandbox ${what}`, `${String(file)} is not JSON (${(error as Error).message})`);
  }
}

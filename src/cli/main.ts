#!/usr/bin/env node
/** Entry of the `parley` binary (dist/cli/parley.js). */
import { createProgram } from './program';

await createProgram().parseAsync(process.argv);

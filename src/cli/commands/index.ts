import type { Command } from 'commander';
import { register as db } from './db.js';
import { register as dissect } from './dissect.js';
import { register as evaluation } from './eval.js';
import { register as importCommand } from './import.js';
import { register as layers } from './layers.js';
import { register as score } from './score.js';
import { register as serve } from './serve.js';
import { register as toyworld } from './toyworld.js';

/** Each command module exports a function that adds its subcommand to the program. */
export type RegisterCommand = (program: Command) => void;

// One line per command module; keep the list sorted.
export const commands: RegisterCommand[] = [db, dissect, evaluation, importCommand, layers, score, serve, toyworld];

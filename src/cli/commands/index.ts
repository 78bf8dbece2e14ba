import type { Command } from 'commander';

/** Each command module exports a function that adds its subcommand to the program. */
export type RegisterCommand = (program: Command) => void;

// One line per command module; keep the list sorted.
export const commands: RegisterCommand[] = [];

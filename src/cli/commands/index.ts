import type { Command } from 'commander';

/** Each command module exports a function that adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command) => void;

type CommandModule = () => Promise<{ register: RegisterCommand }>;

/**
 * Command name -> the module that registers it. Modules are imported lazily: the server, the
 * ONNX runtime and the database drivers are heavy, and `atlas layers` should not pay for them.
 */
export const commandModules: Record<string, CommandModule> = {
  db: () => import('./db.js'),
  dissect: () => import('./dissect.js'),
  eval: () => import('./eval.js'),
  export: () => import('./export.js'),
  import: () => import('./import.js'),
  layers: () => import('./layers.js'),
  netdissect: () => import('./eval.js'),
  score: () => import('./score.js'),
  seed: () => import('./eval.js'),
  serve: () => import('./serve.js'),
  toyworld: () => import('./toyworld.js'),
};

/** The modules needed for `argv`: just the named command's, or all of them (help, typos). */
export async function loadCommands(argv: readonly string[]): Promise<RegisterCommand[]> {
  const name = argv.find((arg) => !arg.startsWith('-'));
  const wanted = name !== undefined && commandModules[name] ? [commandModules[name]] : [...new Set(Object.values(commandModules))];
  const modules = await Promise.all(wanted.map((load) => load()));
  return [...new Set(modules.map((m) => m.register))];
}

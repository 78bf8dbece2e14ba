import type { Command } from 'commander';

/** Each command module exports a function that adds its subcommand(s) to the program. */
export type RegisterCommand = (program: Command) => void;

/** What the top-level help shows of a command, known without loading its module. */
export interface CommandInfo {
  name: string;
  /** The help's left column, as commander writes it for the registered command. */
  term: string;
  summary: string;
}

export interface CommandModule {
  /** The commands the module registers, in its order. */
  commands: readonly CommandInfo[];
  load: () => Promise<{ register: RegisterCommand }>;
}

/**
 * Every command, by the module that registers it, in the order of the top-level help. Modules are
 * imported only when one of their commands runs or shows its own help: the server, the ONNX
 * runtime and the database drivers are heavy, and `atlas --help` should not pay for any of them.
 * test/cli/commands.test.ts checks these names, terms and summaries against the modules.
 */
export const commandModules: readonly CommandModule[] = [
  {
    commands: [{ name: 'db', term: 'db [options]', summary: 'manage the atlas database (PGlite in .atlas/ by default, or DATABASE_URL)' }],
    load: () => import('./db.js'),
  },
  {
    commands: [
      {
        name: 'dissect',
        term: 'dissect [options]',
        summary: 'describe every unit of the chosen layers of an ONNX model with CLIP-Dissect and store the run in the atlas',
      },
    ],
    load: () => import('./dissect.js'),
  },
  {
    commands: [
      {
        name: 'netdissect',
        term: 'netdissect [options]',
        summary: "label every unit of the chosen layers by IoU against the toy world's concept masks (Network Dissection) and store the run",
      },
      {
        name: 'eval',
        term: 'eval [options]',
        summary: "score a CLIP-Dissect run of a toy model against the toy world's ground truth (default: the default atlas's resnet-v1 run)",
      },
      { name: 'seed', term: 'seed', summary: 'the default atlas (toy models dissected over a toy probe set)' },
    ],
    load: () => import('./eval.js'),
  },
  {
    commands: [
      {
        name: 'export',
        term: 'export [options]',
        summary: "write a model's neuron labels (as the API shows them) as CSV for other tools, or as JSON",
      },
    ],
    load: () => import('./export.js'),
  },
  {
    commands: [
      {
        name: 'import',
        term: 'import [options] <file>',
        summary: 'import neuron labels made by another tool (CSV) as a complete run of that method',
      },
    ],
    load: () => import('./import.js'),
  },
  {
    commands: [
      {
        name: 'layers',
        term: 'layers [options] <model>',
        summary: 'list the layers of an ONNX model by module path (top-level modules and their children; --all for every level)',
      },
    ],
    load: () => import('./layers.js'),
  },
  {
    commands: [
      {
        name: 'score',
        term: 'score [options]',
        summary: 'label each neuron from precomputed concept activations (P.npy) and neuron activations (A.npy)',
      },
    ],
    load: () => import('./score.js'),
  },
  {
    commands: [
      {
        name: 'serve',
        term: 'serve [options]',
        summary: 'serve the atlas over GraphQL at /graphql (the explorer at /, readiness at /healthz)',
      },
    ],
    load: () => import('./serve.js'),
  },
  {
    commands: [
      {
        name: 'worker',
        term: 'worker [options]',
        summary: 'do the jobs of queued dissections (atlas dissect --queue) from the Postgres job queue until stopped',
      },
    ],
    load: () => import('./worker.js'),
  },
  {
    commands: [{ name: 'toyworld', term: 'toyworld', summary: 'the toy world: generated images with known ground truth' }],
    load: () => import('./toyworld.js'),
  },
];

/** The module of the command that `argv` runs or asks help for (`atlas NAME ...`, `atlas help NAME`). */
export function moduleFor(argv: readonly string[]): CommandModule | undefined {
  const words = argv.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return commandModules.find((m) => m.commands.some((c) => c.name === name));
}

/**
 * Adds every command to `program`: those of `loaded` by its module, the others as stand-ins that
 * carry only their name, term and summary (enough for the top-level help and for commander's
 * "did you mean" on a typo).
 */
export function addCommands(program: Command, loaded: { module: CommandModule; register: RegisterCommand } | undefined): void {
  const terms = new Map<Command, string>();
  for (const m of commandModules) {
    if (m === loaded?.module) {
      loaded.register(program);
      continue;
    }
    for (const info of m.commands) terms.set(program.command(info.name).description(info.summary), info.term);
  }
  const helper = program.createHelp();
  const subcommandTerm = helper.subcommandTerm.bind(helper);
  program.configureHelp({ subcommandTerm: (cmd) => terms.get(cmd) ?? subcommandTerm(cmd) });
}
